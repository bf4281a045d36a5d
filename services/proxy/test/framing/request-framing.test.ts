// Requests the proxy and a lenient upstream could frame differently (request smuggling) are
// refused with 400 and close, and nothing of them goes upstream; what does go upstream is the
// head rebuilt from its parsed form, without hop-by-hop fields. Each test is named after a
// finding of the security review (issue 13, part 1).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type RawUpstream, startRawUpstream, tunnel } from './wire.ts'

let upstream: RawUpstream
let strict: RawUpstream
let proxy: Harness

beforeAll(async () => {
  upstream = await startRawUpstream()
  strict = await startRawUpstream({ strict: true })
  proxy = await startProxy({
    upstreamPort: upstream.port,
    upstreamCaPath: upstream.caPath,
    env: {
      TOKENTAP_RESOLVE: `api.openai.com:443=127.0.0.1:${strict.port},*:443=127.0.0.1:${upstream.port}`,
    },
  })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
  await strict.stop()
})

const HOST = 'Host: api.anthropic.com\r\n'

/** Sends `request` on a fresh tunnel: the proxy's answer and the bytes the upstream received. */
async function send(request: string) {
  const before = upstream.received()
  const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem)
  c.send(request)
  await c.closed()
  return { ...(await c.responses(1)), forwarded: upstream.received() - before }
}

async function expectRefused(request: string, message: string): Promise<void> {
  const r = await send(request)
  expect(r.statuses).toEqual([400])
  expect(r.bodies[0]).toContain(message)
  expect(r.closed).toBe(true)
  expect(r.forwarded).toBe(0)
}

describe('request framing the proxy refuses (400, closed, nothing forwarded)', () => {
  test('CL together with TE is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      'Content-Length together with Transfer-Encoding',
    )
  })
  test('Transfer-Encoding: chunked, identity is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`,
      'Transfer-Encoding other than a single "chunked"',
    )
  })
  test('a bare LF in a header value (a second header line upstream) is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.1\r\n${HOST}X-Note: a\nContent-Length: 40\r\n\r\n`,
      'LF in a header value',
    )
  })
  test('CR inside a header value is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `GET /v1/models HTTP/1.1\r\n${HOST}X-Note: a\rb\r\n\r\n`,
      'CR in a header value',
    )
  })
  test('NUL inside a header value is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(`GET /v1/models HTTP/1.1\r\n${HOST}X-Note: a\0b\r\n\r\n`, 'NUL')
  })
  test('CR or NUL in the request target is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(`GET /v1/models\0x HTTP/1.1\r\n${HOST}\r\n`, 'NUL in the request target')
    await expectRefused(
      `GET /v1/models\rx HTTP/1.1\r\n${HOST}\r\n`,
      'CR, LF or NUL in the request target',
    )
  })
  test('two different Content-Lengths are rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Content-Length: 5\r\nContent-Length: 40\r\n\r\nhello`,
      'differing Content-Length values',
    )
  })
  test('TE: identity together with CL is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Transfer-Encoding: identity\r\nContent-Length: 5\r\n\r\nhello`,
      'Content-Length together with Transfer-Encoding',
    )
  })
  test('Transfer-Encoding in an HTTP/1.0 request is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(
      `POST /v1/messages HTTP/1.0\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      'Transfer-Encoding in an HTTP/1.0 request',
    )
  })
  test('obs-fold and whitespace before the colon are rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(`GET / HTTP/1.1\r\n${HOST}X-A: 1\r\n Content-Length: 5\r\n\r\n`, 'obs-fold')
    await expectRefused(
      `POST / HTTP/1.1\r\n${HOST}Content-Length : 5\r\n\r\nhello`,
      'whitespace between a header name and the colon',
    )
  })
  test('a malformed Content-Length is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(`POST / HTTP/1.1\r\n${HOST}Content-Length: +5\r\n\r\nhello`, 'malformed')
  })
  test('a bad chunk line (bare LF, space after the size) ends the exchange: 400, and no byte of it is forwarded past the error', async () => {
    for (const body of [
      '5\nhello\r\n0\r\n\r\n',
      '5 \r\nhello\r\n0\r\n\r\n',
      '5\r\nhello\r\n0\r\nX y\r\n\r\n',
    ]) {
      const before = upstream.conns.map((c) => c.length)
      const r = await send(
        `POST /v1/messages HTTP/1.1\r\n${HOST}Transfer-Encoding: chunked\r\n\r\n${body}`,
      )
      expect(r.statuses).toEqual([400])
      // The head may have left before the body was read; the body's bad line never does.
      const after = upstream.conns.map((c, i) => c.subarray(before[i] ?? 0).toString('latin1'))
      expect(after.join('')).not.toContain(body.slice(0, 4))
    }
  })
})

describe('what the proxy forwards', () => {
  test('hop-by-hop request headers (Connection and what it lists, Keep-Alive, TE, Trailer, Upgrade, Proxy-*) are not forwarded', async () => {
    const before = upstream.requests.length
    const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem)
    c.send(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Connection: keep-alive, X-Hop\r\nX-Hop: secret\r\n` +
        'Keep-Alive: timeout=5\r\nTE: trailers\r\nTrailer: X-T\r\nUpgrade: h2c\r\n' +
        'Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic YTpi\r\nx-api-key: k\r\n' +
        'Content-Length: 2\r\n\r\n{}',
    )
    expect((await c.responses(1)).statuses).toEqual([200])
    c.destroy()
    const seen = upstream.requests[before]!
    expect(seen.head).toBe(
      'POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nx-api-key: k\r\nContent-Length: 2',
    )
    expect(seen.body.toString()).toBe('{}')
  })
  test('identical repeated Content-Lengths go upstream as one', async () => {
    const before = upstream.requests.length
    const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem)
    c.send(`POST /v1/messages HTTP/1.1\r\n${HOST}Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}`)
    expect((await c.responses(1)).statuses).toEqual([200])
    c.destroy()
    expect(upstream.requests[before]!.head).toBe(
      'POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 2',
    )
  })
  test('a chunked request goes upstream chunked, exactly as framed, then the next request on the connection', async () => {
    const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem, { host: 'api.openai.com' })
    const before = strict.conns.map((x) => x.length)
    const host = 'Host: api.openai.com\r\n'
    const chunked = '2;x=1\r\n{}\r\n0\r\nX-T: 1\r\n\r\n'
    c.send(
      `POST /v1/chat/completions HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n${chunked}` +
        `GET /v1/models HTTP/1.1\r\n${host}\r\n`,
    )
    expect((await c.responses(2)).statuses).toEqual([200, 200])
    c.destroy()
    const sent = strict.conns.map((x, i) => x.subarray(before[i] ?? 0).toString('latin1')).join('')
    expect(sent).toBe(
      `POST /v1/chat/completions HTTP/1.1\r\n${host}Transfer-Encoding: chunked\r\n\r\n${chunked}` +
        `GET /v1/models HTTP/1.1\r\n${host}\r\n`,
    )
  })
  test('a method the proxy does not forward gets 501, nothing forwarded', async () => {
    const r = await send(`PROPFIND / HTTP/1.1\r\n${HOST}\r\n`)
    expect(r.statuses).toEqual([501])
    expect(r.forwarded).toBe(0)
  })
  test('a request with two Host headers is rejected with 400 and nothing is forwarded', async () => {
    await expectRefused(`GET / HTTP/1.1\r\n${HOST}Host: evil.example\r\n\r\n`, 'more than one Host')
  })
})
