import { describe, expect, test } from 'bun:test'
import {
  getHeader,
  headerHasToken,
  headerMap,
  parseRequestHead,
  parseResponseHead,
} from './head.ts'
import { serializeRequestHead } from './serialize.ts'

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

const req = (s: string) => parseRequestHead(Buffer.from(s, 'latin1'), 65536)
const res = (s: string) => parseResponseHead(Buffer.from(s, 'latin1'), 65536)

describe('strict request heads (RFC 9112)', () => {
  test('a bare LF in a header value (a second header line to a lenient parser) → 400', () => {
    expect(req('GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\nX-B: 2\r\n\r\n')).toMatchObject({
      kind: 'error',
      status: 400,
      message: 'LF in a header value',
    })
  })
  test('bare LF as the line terminator → 400 at once, without waiting for the head to end', () => {
    expect(req('GET / HTTP/1.1\nHost: a\n')).toMatchObject({ kind: 'error', status: 400 })
    expect(req('GET / HTTP/1.1\r\nHost: a\n\n')).toMatchObject({ kind: 'error', status: 400 })
    expect(req('\nGET / HTTP/1.1\r\n\r\n')).toMatchObject({ kind: 'error', status: 400 })
  })
  test('CR, NUL and other CTLs in a header value → 400; obs-text is kept byte for byte', () => {
    for (const [v, why] of [
      ['a\rb', 'CR in a header value'],
      ['a\0b', 'NUL in a header value'],
      ['a\x01b', 'control character in a header value'],
      ['a\x7fb', 'control character in a header value'],
      ['a\x1bb', 'control character in a header value'],
    ] as const) {
      expect(req(`GET / HTTP/1.1\r\nHost: a\r\nX: ${v}\r\n\r\n`)).toMatchObject({
        status: 400,
        message: why,
      })
    }
    const r = req('GET / HTTP/1.1\r\nHost: a\r\nX: caf\xe9 \t tab\r\n\r\n')
    expect(r.kind === 'ok' && r.head.headers[1]).toEqual(['X', 'caf\xe9 \t tab'])
  })
  test('CR, NUL, space, CTLs or non-ASCII in the request target → 400', () => {
    for (const t of ['/a\0b', '/a\rb', '/a\x7f', '/caf\xe9', '/a\tb']) {
      expect([t, req(`GET ${t} HTTP/1.1\r\nHost: a\r\n\r\n`).kind]).toEqual([t, 'error'])
    }
    expect(req('GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n')).toMatchObject({
      message: 'CR, LF or NUL in the request target',
    })
    expect(req('GET /a b HTTP/1.1\r\nHost: a\r\n\r\n').kind).toBe('error')
  })
  test('obs-fold, whitespace after the start line and whitespace before the colon → 400', () => {
    expect(req('GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n 2\r\n\r\n')).toMatchObject({
      status: 400,
      message: 'obs-fold (a header line starting with whitespace)',
    })
    expect(req('GET / HTTP/1.1\r\n\tHost: a\r\n\r\n')).toMatchObject({ status: 400 })
    expect(req('GET / HTTP/1.1\r\nHost : a\r\n\r\n')).toMatchObject({
      status: 400,
      message: 'whitespace between a header name and the colon',
    })
    expect(req('GET / HTTP/1.1\r\nHost\t: a\r\n\r\n')).toMatchObject({ status: 400 })
  })
  test('values lose OWS only (SP, HTAB), never a 0xA0 byte', () => {
    const r = req('GET / HTTP/1.1\r\nX: \xa0v\xa0 \r\n\r\n')
    expect(r.kind === 'ok' && r.head.headers[0]).toEqual(['X', '\xa0v\xa0'])
  })
  test('empty lines before the request line are skipped (RFC 9112 §2.2)', () => {
    const r = req('\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n')
    expect(r).toMatchObject({ kind: 'ok', head: { method: 'GET' }, headBytes: 31 })
  })
  test('only HTTP/1.0 and HTTP/1.1; one SP between the parts', () => {
    for (const line of ['GET / HTTP/1.2', 'GET /  HTTP/1.1', 'GET  / HTTP/1.1', 'GET / http/1.1'])
      expect([line, req(`${line}\r\n\r\n`).kind]).toEqual([line, 'error'])
  })
})

describe('strict response heads', () => {
  test('status 100–599 only; reason phrase without control characters', () => {
    expect(res('HTTP/1.1 600 X\r\n\r\n').kind).toBe('error')
    expect(res('HTTP/1.1 099 X\r\n\r\n').kind).toBe('error')
    expect(res('HTTP/1.1 200 O\0K\r\n\r\n').kind).toBe('error')
    expect(res('HTTP/1.1 200 caf\xe9\r\n\r\n')).toMatchObject({ head: { reason: 'caf\xe9' } })
  })
  test('the same header grammar as requests: bare LF, obs-fold, CR, NUL', () => {
    for (const h of ['X: a\nY: b', 'X: a\r\n b', 'X: a\rb', 'X: a\0b', 'X : a'])
      expect([h, res(`HTTP/1.1 200 OK\r\n${h}\r\n\r\n`).kind]).toEqual([h, 'error'])
  })
})
