import { describe, expect, test } from 'bun:test'
import type { HeaderList, RequestHead } from '../http1/head.ts'
import { interimHead, planRequest, planResponse, switchingHead } from './forward-head.ts'

const head = (headers: HeaderList, method = 'POST', version = '1.1'): RequestHead => ({
  method,
  target: '/v1/messages',
  version,
  headers: [['Host', 'api.anthropic.com'], ...headers],
})

describe('planRequest', () => {
  test('hop-by-hop request headers go: Connection and what it lists, Keep-Alive, TE, Trailer, Upgrade, Proxy-*', () => {
    const plan = planRequest(
      head([
        ['Connection', 'keep-alive, X-Secret-Hop'],
        ['X-Secret-Hop', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['TE', 'trailers'],
        ['Trailer', 'X-T'],
        ['Upgrade', 'h2c'],
        ['Proxy-Connection', 'keep-alive'],
        ['Proxy-Authorization', 'Basic YTpi'],
        ['Proxy-Anything', 'x'],
        ['X-Tokentap-Project', 'p'],
        ['x-api-key', 'k'],
        ['Content-Length', '2'],
      ]),
      '/v1/messages',
      null,
    )
    expect('head' in plan && plan.head.headers).toEqual([
      ['Host', 'api.anthropic.com'],
      ['x-api-key', 'k'],
      ['Content-Length', '2'],
    ])
  })
  test('Connection cannot strip Host; the framing header is the parsed one, in its place', () => {
    const plan = planRequest(
      head([
        ['Connection', 'host, content-length, transfer-encoding'],
        ['content-length', '5'],
        ['Content-Length', '5'],
        ['Accept', '*/*'],
      ]),
      '/p',
      null,
    )
    expect('head' in plan && plan.head).toEqual({
      method: 'POST',
      target: '/p',
      version: '1.1',
      headers: [
        ['Host', 'api.anthropic.com'],
        ['content-length', '5'],
        ['Accept', '*/*'],
      ],
    })
  })
  test('a WebSocket upgrade keeps Connection: Upgrade and Upgrade: websocket', () => {
    const plan = planRequest(
      head(
        [
          ['Connection', 'Upgrade, Keep-Alive'],
          ['Upgrade', 'websocket'],
          ['Sec-WebSocket-Key', 'k'],
        ],
        'GET',
      ),
      '/v1/responses',
      null,
    )
    expect(plan).toMatchObject({ upgrade: true, framing: { kind: 'none' } })
    expect('head' in plan && plan.head.headers).toEqual([
      ['Host', 'api.anthropic.com'],
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Key', 'k'],
      ['Connection', 'Upgrade'],
    ])
    // Upgrade without the Connection option, or in HTTP/1.0, is no upgrade: the header goes.
    const noOption = planRequest(head([['Upgrade', 'websocket']], 'GET'), '/', null)
    expect(noOption).toMatchObject({ upgrade: false })
    expect('head' in noOption && noOption.head.headers).toEqual([['Host', 'api.anthropic.com']])
    const old = planRequest(
      head(
        [
          ['Connection', 'upgrade'],
          ['Upgrade', 'websocket'],
        ],
        'GET',
        '1.0',
      ),
      '/',
      null,
    )
    expect(old).toMatchObject({ upgrade: false })
    expect(
      planRequest(
        head(
          [
            ['Connection', 'upgrade'],
            ['Upgrade', 'web socket'],
          ],
          'GET',
        ),
        '/',
        null,
      ),
    ).toMatchObject({ status: 400 })
  })
  test('Host: exactly one (HTTP/1.1), well-formed; absolute-form replaces it', () => {
    const twice = head([['Host', 'evil.example']])
    expect(planRequest(twice, '/', null)).toEqual({
      status: 400,
      message: 'more than one Host header',
    })
    const none = { ...head([]), headers: [] }
    expect(planRequest(none, '/', null)).toMatchObject({ status: 400 })
    expect(planRequest({ ...none, version: '1.0' }, '/', null)).toMatchObject({ upgrade: false })
    const bad = { ...head([]), headers: [['Host', 'a b']] as HeaderList }
    expect(planRequest(bad, '/', null)).toMatchObject({
      status: 400,
      message: 'malformed Host header',
    })
    const abs = planRequest(head([['Accept', 'x']]), '/p', 'plain.example:8080')
    expect('head' in abs && abs.head.headers).toEqual([
      ['Host', 'plain.example:8080'],
      ['Accept', 'x'],
    ])
  })
  test('framing refusals are 400; unknown methods 501; CONNECT in a tunnel 400', () => {
    const clte = head([
      ['Content-Length', '3'],
      ['Transfer-Encoding', 'chunked'],
    ])
    expect(planRequest(clte, '/', null)).toMatchObject({ status: 400 })
    expect(planRequest(head([], 'PROPFIND'), '/', null)).toMatchObject({ status: 501 })
    expect(planRequest(head([], 'CONNECT'), '/', null)).toMatchObject({ status: 400 })
    expect(planRequest(head([], 'get'), '/', null)).toMatchObject({ status: 501 })
  })
})

describe('response heads for the client', () => {
  const res = (headers: HeaderList, status = 200) => ({
    version: '1.1',
    status,
    reason: 'OK',
    headers,
  })
  test('hop-by-hop response headers go; Connection: close is announced when the proxy closes', () => {
    const plan = planResponse(
      'GET',
      res([
        ['Connection', 'keep-alive, X-Hop'],
        ['X-Hop', '1'],
        ['Keep-Alive', 'timeout=5'],
        ['Proxy-Authenticate', 'Basic'],
        ['Trailer', 'X-T'],
        ['Upgrade', 'h2'],
        ['Content-Type', 'application/json'],
        ['Content-Length', '2'],
      ]),
      false,
    )
    expect(plan).toMatchObject({ close: false, framing: { kind: 'length', length: 2 } })
    expect('head' in plan && plan.head.headers).toEqual([
      ['Content-Type', 'application/json'],
      ['Content-Length', '2'],
    ])
    const closing = planResponse('GET', res([['Content-Length', '2']]), true)
    expect('head' in closing && closing.head.headers.at(-1)).toEqual(['Connection', 'close'])
    const upstreamClose = planResponse(
      'GET',
      res([
        ['Connection', 'close'],
        ['Content-Length', '2'],
      ]),
      false,
    )
    expect(upstreamClose).toMatchObject({ close: true })
    const toTheEnd = planResponse('GET', res([['Transfer-Encoding', 'gzip']]), false)
    expect(toTheEnd).toMatchObject({ close: true, framing: { kind: 'close' } })
    expect('head' in toTheEnd && toTheEnd.head.headers).toEqual([
      ['Transfer-Encoding', 'gzip'],
      ['Connection', 'close'],
    ])
  })
  test('a refused response framing is reported, not planned', () => {
    const both = res([
      ['Content-Length', '2'],
      ['Transfer-Encoding', 'chunked'],
    ])
    expect(planResponse('GET', both, false)).toEqual({
      message: 'Content-Length together with Transfer-Encoding',
    })
  })
  test('101 only when asked for, keeping Upgrade and Connection: Upgrade; 1xx lose framing fields', () => {
    const h = res(
      [
        ['Upgrade', 'websocket'],
        ['Connection', 'upgrade'],
        ['Sec-WebSocket-Accept', 'a'],
      ],
      101,
    )
    expect(switchingHead(h, false)).toBeNull()
    expect(switchingHead(h, true)?.headers).toEqual([
      ['Upgrade', 'websocket'],
      ['Sec-WebSocket-Accept', 'a'],
      ['Connection', 'Upgrade'],
    ])
    expect(switchingHead(res([], 101), true)).toBeNull()
    expect(
      interimHead(
        res(
          [
            ['Content-Length', '5'],
            ['Link', '</a>'],
          ],
          103,
        ),
      ).headers,
    ).toEqual([['Link', '</a>']])
  })
})
