import { describe, expect, test } from 'bun:test'
import {
  getHeader,
  headerHasToken,
  headerMap,
  parseRequestHead,
  parseResponseHead,
  serializeRequestHead,
} from './head.ts'

const REQ =
  'POST /v1/messages?beta=true HTTP/1.1\r\nHost: api.anthropic.com\r\nX-Api-Key: k\r\nAccept: a\r\naccept: b\r\n\r\nBODY'

describe('request heads', () => {
  test('parses method, target, headers in order and case; reports head length', () => {
    const r = parseRequestHead(Buffer.from(REQ), 65536)
    expect(r.kind).toBe('ok')
    if (r.kind !== 'ok') return
    expect(r.head.method).toBe('POST')
    expect(r.head.target).toBe('/v1/messages?beta=true')
    expect(r.head.headers[0]).toEqual(['Host', 'api.anthropic.com'])
    expect(r.headBytes).toBe(REQ.length - 4)
    expect(getHeader(r.head.headers, 'ACCEPT')).toBe('a, b')
    expect(headerMap(r.head.headers)['x-api-key']).toBe('k')
    expect(serializeRequestHead(r.head).toString()).toBe(REQ.slice(0, -4))
  })
  test('incomplete at every split point before the blank line', () => {
    const end = REQ.length - 4
    for (let i = 0; i < end; i++) {
      expect(parseRequestHead(Buffer.from(REQ.slice(0, i)), 65536).kind).toBe('incomplete')
    }
  })
  test('malformed request line and header → 400; too large → 431', () => {
    expect(parseRequestHead(Buffer.from('GARBAGE\r\n\r\n'), 65536)).toMatchObject({ status: 400 })
    expect(
      parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nno colon\r\n\r\n'), 65536),
    ).toMatchObject({
      status: 400,
    })
    expect(parseRequestHead(Buffer.from('GET / HTTP/2.0\r\n\r\n'), 65536)).toMatchObject({
      status: 400,
    })
    expect(parseRequestHead(Buffer.alloc(2000, 'a'), 1024)).toMatchObject({ status: 431 })
  })
  test('connection tokens', () => {
    const r = parseRequestHead(
      Buffer.from('GET / HTTP/1.1\r\nConnection: keep-alive, Upgrade\r\n\r\n'),
      999,
    )
    if (r.kind !== 'ok') throw new Error('expected ok')
    expect(headerHasToken(r.head.headers, 'connection', 'upgrade')).toBe(true)
    expect(headerHasToken(r.head.headers, 'connection', 'close')).toBe(false)
  })
})

describe('response heads', () => {
  test('status, reason (optional), headers', () => {
    const r = parseResponseHead(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), 999)
    expect(r).toMatchObject({ kind: 'ok', head: { status: 200, reason: 'OK' }, headBytes: 38 })
    const n = parseResponseHead(Buffer.from('HTTP/1.1 204\r\n\r\n'), 999)
    expect(n).toMatchObject({ kind: 'ok', head: { status: 204, reason: '' } })
  })
  test('bad status line', () => {
    expect(parseResponseHead(Buffer.from('HTTP/1.1 OK\r\n\r\n'), 999).kind).toBe('error')
  })
})
