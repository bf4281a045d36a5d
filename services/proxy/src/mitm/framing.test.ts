import { describe, expect, test } from 'bun:test'
import type { HeaderList } from '../http1/head.ts'
import { requestFraming, responseFraming } from './framing.ts'

const reqHead = (headers: HeaderList, version = '1.1') => ({
  method: 'POST',
  target: '/',
  version,
  headers,
})
const resHead = (headers: HeaderList, status = 200, version = '1.1') => ({
  version,
  status,
  reason: 'OK',
  headers,
})
const TE = (v: string): [string, string] => ['Transfer-Encoding', v]
const CL = (v: string): [string, string] => ['Content-Length', v]

describe('request framing', () => {
  test('CL together with TE is refused', () => {
    expect(requestFraming(reqHead([CL('5'), TE('chunked')]))).toEqual({
      ok: false,
      message: 'Content-Length together with Transfer-Encoding',
    })
  })
  test('any TE other than a single chunked is refused (chunked, identity; identity; gzip, chunked)', () => {
    for (const v of [
      'chunked, identity',
      'identity',
      'gzip, chunked',
      'chunked, chunked',
      '',
      'chunked;x=1',
    ])
      expect([v, requestFraming(reqHead([TE(v)])).ok]).toEqual([v, false])
    expect(requestFraming(reqHead([TE('identity'), CL('3')])).ok).toBe(false)
    expect(requestFraming(reqHead([TE('chunked'), TE('chunked')])).ok).toBe(false)
  })
  test('TE in HTTP/1.0 is refused', () => {
    expect(requestFraming(reqHead([TE('chunked')], '1.0'))).toMatchObject({
      ok: false,
      message: 'Transfer-Encoding in an HTTP/1.0 request',
    })
  })
  test('differing or malformed Content-Lengths are refused; identical repeats become one', () => {
    for (const hs of [
      [CL('1'), CL('2')],
      [CL('1, 2')],
      [CL('-1')],
      [CL('1.0')],
      [CL('0x1')],
      [CL('')],
      [CL('1 1')],
      [CL('1'), CL('01')],
      [CL('9999999999999999')],
    ])
      expect([hs, requestFraming(reqHead(hs)).ok]).toEqual([hs, false])
    expect(requestFraming(reqHead([CL('5'), CL('5')]))).toEqual({
      ok: true,
      framing: { kind: 'length', length: 5 },
      header: ['Content-Length', '5'],
    })
    expect(requestFraming(reqHead([CL('007')]))).toMatchObject({ header: ['Content-Length', '7'] })
  })
  test('chunked (any case, OWS), length, zero length and none', () => {
    expect(requestFraming(reqHead([TE(' Chunked ')]))).toEqual({
      ok: true,
      framing: { kind: 'chunked' },
      header: ['Transfer-Encoding', 'chunked'],
    })
    expect(requestFraming(reqHead([CL('0')]))).toMatchObject({ framing: { kind: 'none' } })
    expect(requestFraming(reqHead([]))).toEqual({
      ok: true,
      framing: { kind: 'none' },
      header: null,
    })
  })
})

describe('response framing (RFC 9112 §6.3)', () => {
  test('CL together with TE, TE in HTTP/1.0, differing CLs: refused (502)', () => {
    expect(responseFraming('GET', resHead([CL('3'), TE('chunked')])).ok).toBe(false)
    expect(responseFraming('GET', resHead([TE('chunked')], 200, '1.0')).ok).toBe(false)
    expect(responseFraming('GET', resHead([CL('3'), CL('4')])).ok).toBe(false)
    expect(responseFraming('GET', resHead([CL('x')])).ok).toBe(false)
  })
  test('chunked last frames the body; another last coding runs to the close', () => {
    expect(responseFraming('GET', resHead([TE('gzip, chunked')]))).toMatchObject({
      framing: { kind: 'chunked' },
      header: ['Transfer-Encoding', 'gzip, chunked'],
    })
    expect(responseFraming('GET', resHead([TE('gzip')]))).toMatchObject({
      framing: { kind: 'close' },
    })
    expect(responseFraming('GET', resHead([TE('chunked, gzip')]))).toMatchObject({
      framing: { kind: 'close' },
    })
  })
  test('chunked twice, chunked with parameters, malformed codings: refused', () => {
    for (const v of ['chunked, chunked', 'chunked;q=1', 'gzip;', 'g zip', ','])
      expect([v, responseFraming('GET', resHead([TE(v)])).ok]).toEqual([v, false])
  })
  test('HEAD, 204 and 304 have no body whatever the headers say; no length means close', () => {
    expect(responseFraming('HEAD', resHead([CL('99')]))).toMatchObject({
      framing: { kind: 'none' },
      header: ['Content-Length', '99'],
    })
    expect(responseFraming('GET', resHead([TE('chunked')], 204))).toMatchObject({
      framing: { kind: 'none' },
    })
    expect(responseFraming('GET', resHead([], 304))).toMatchObject({
      framing: { kind: 'none' },
      header: null,
    })
    expect(responseFraming('GET', resHead([]))).toMatchObject({ framing: { kind: 'close' } })
  })
})
