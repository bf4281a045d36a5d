import { describe, expect, test } from 'bun:test'
import { parseRequestHead, parseResponseHead } from './head.ts'
import { serializeRequestHead, serializeResponseHead, UnsafeHeadError } from './serialize.ts'

const request = { method: 'POST', target: '/v1/messages', version: '1.1' }
const response = { version: '1.1', status: 200, reason: 'OK' }

describe('head serializer', () => {
  test('the head serializer cannot emit CR, LF or NUL (nor a second line) anywhere', () => {
    for (const bad of ['\r', '\n', '\0', '\r\nX-Injected: 1', '\x01', '\x7f']) {
      const cases: (() => Buffer)[] = [
        () => serializeRequestHead({ ...request, headers: [['X', `a${bad}b`]] }),
        () => serializeRequestHead({ ...request, headers: [[`X${bad}`, 'v']] }),
        () => serializeRequestHead({ ...request, target: `/a${bad}`, headers: [] }),
        () => serializeRequestHead({ ...request, method: `GET${bad}`, headers: [] }),
        () => serializeResponseHead({ ...response, headers: [['X', `a${bad}b`]] }),
        () => serializeResponseHead({ ...response, reason: `OK${bad}`, headers: [] }),
      ]
      for (const f of cases) expect(f).toThrow(UnsafeHeadError)
    }
    expect(() => serializeRequestHead({ ...request, target: '/a b', headers: [] })).toThrow()
    expect(() => serializeRequestHead({ ...request, version: '1.1\r\n', headers: [] })).toThrow()
    expect(() => serializeResponseHead({ ...response, status: 1000, headers: [] })).toThrow()
  })
  test('what it writes parses back to the same head (obs-text kept byte for byte)', () => {
    const head = {
      ...request,
      headers: [
        ['Host', 'a'],
        ['X', 'caf\xe9\tok'],
      ] as [string, string][],
    }
    const wire = serializeRequestHead(head)
    expect(wire.toString('latin1')).toBe(
      'POST /v1/messages HTTP/1.1\r\nHost: a\r\nX: caf\xe9\tok\r\n\r\n',
    )
    expect(parseRequestHead(wire, 1000)).toMatchObject({ kind: 'ok', head })
    const r = serializeResponseHead({ ...response, reason: '', headers: [] })
    expect(r.toString('latin1')).toBe('HTTP/1.1 200 \r\n\r\n')
    expect(parseResponseHead(r, 1000)).toMatchObject({ kind: 'ok', head: { status: 200 } })
  })
})
