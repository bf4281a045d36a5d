import { describe, expect, test } from 'bun:test'
import { redact } from './redact.ts'

describe('redact', () => {
  test('masks API keys and tokens', () => {
    expect(redact('key sk-ant-api03-abcdefghijklmnop end')).toBe('key sk-ant-api0… end')
    expect(redact('sk-proj-1234567890abcdef')).toBe('sk-proj…')
  })
  test('masks auth headers and bearer tokens', () => {
    expect(redact('Authorization: Bearer abc.def.ghi')).toBe('Authorization: ***')
    expect(redact('got Bearer eyJhbGciOi and more')).toBe('got Bearer *** and more')
    expect(redact('x-api-key: secret123')).toBe('x-api-key: ***')
    expect(redact('{"x-goog-api-key":"AIzaSyA-secret-secret-secret"}')).toBe(
      '{"x-goog-api-key":"***"}',
    )
  })
  test('masks credentials in URLs', () => {
    expect(redact('http://alice:tok3n@proxy:8080')).toBe('http://alice:***@proxy:8080')
  })
  test('leaves ordinary text alone', () => {
    expect(redact('POST /v1/messages 200 in 12 ms')).toBe('POST /v1/messages 200 in 12 ms')
  })
})
