import { describe, expect, test } from 'bun:test'
import { redact, redactPath, secretParamKey } from './redact.ts'
import { PATH_CASES, TEXT_CASES } from './redact-cases.ts'

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

describe('finding 3: secrets in recorded paths', () => {
  test('redactPath masks every secret query parameter, keeping its name (shared case table)', () => {
    for (const [path, expected] of PATH_CASES)
      expect([path, redactPath(path)]).toEqual([path, expected])
  })

  test('redactPath is idempotent', () => {
    for (const [path] of PATH_CASES) expect(redactPath(redactPath(path))).toBe(redactPath(path))
  })

  test("Gemini's ?key=AIza… is masked in recorded paths", () => {
    const path =
      '/v1beta/models/gemini-2.5-flash:generateContent?key=AIzaSyD-1234567890abcdefghijklmnop'
    expect(redactPath(path)).toBe('/v1beta/models/gemini-2.5-flash:generateContent?key=***')
    expect(redactPath(path)).not.toContain('AIza')
  })

  test('secretParamKey decodes %-escaped letters once, folds case and drops - and _', () => {
    expect(secretParamKey('X-Amz-Signature')).toBe('xamzsignature')
    expect(secretParamKey('k%65Y')).toBe('key')
    expect(secretParamKey('k%2565y')).toBe('k%2565y')
    expect(secretParamKey('%C3%A9')).toBe('%c3%a9')
  })

  test('redact() masks secret parameters of URLs inside text (logs, captured bodies)', () => {
    for (const [text, expected] of TEXT_CASES)
      expect([text, redact(text)]).toEqual([text, expected])
  })
})
