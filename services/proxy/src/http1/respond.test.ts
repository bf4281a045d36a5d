import { describe, expect, test } from 'bun:test'
import { errorResponse, serializeResponse } from './respond.ts'

describe('proxy-made responses', () => {
  test('error responses close the connection and say who answered', () => {
    expect(errorResponse(502, 'upstream x unreachable')).toBe(
      'HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\n' +
        'content-length: 33\r\nx-tokentap-error: 1\r\nconnection: close\r\n\r\n' +
        'tokentap: upstream x unreachable\n',
    )
  })
  test('content-length counts bytes, not characters', () => {
    const r = serializeResponse({ status: 200, contentType: 'text/plain', body: 'é' })
    expect(r).toContain('content-length: 2\r\n')
    expect(r).toStartWith('HTTP/1.1 200 OK\r\n')
  })
})
