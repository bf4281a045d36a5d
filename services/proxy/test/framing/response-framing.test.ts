// Responses the proxy and a client could frame differently are answered 502 and their upstream
// connection is dropped, never pooled; what the client gets is the head rebuilt from its parsed
// form, without hop-by-hop fields, and only body bytes the proxy framed itself.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { type Answer, type RawUpstream, startRawUpstream, tunnel } from './wire.ts'

/** Upstream answers by path: GET /r/<name>. */
const ANSWERS: Record<string, Answer> = {
  'cl-te': 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
  'bare-lf': 'HTTP/1.1 200 OK\r\nX-A: 1\nContent-Length: 2\r\n\r\nok',
  'two-cl': 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 12\r\n\r\nokSMUGGLED!!',
  'obs-fold': 'HTTP/1.1 200 OK\r\nX-A: 1\r\n 2\r\nContent-Length: 2\r\n\r\nok',
  nul: 'HTTP/1.1 200 OK\r\nX-A: 1\0\r\nContent-Length: 2\r\n\r\nok',
  'te-1.0': 'HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n',
  'chunked-twice': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n',
  'status-999': 'HTTP/1.1 999 Odd\r\nContent-Length: 2\r\n\r\nok',
  '101': 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n',
  hop:
    'HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nKeep-Alive: timeout=5\r\n' +
    'Proxy-Authenticate: Basic\r\nProxy-Connection: keep-alive\r\nTrailer: X-T\r\nUpgrade: h2\r\n' +
    'X-End-To-End: yes\r\nContent-Length: 2\r\n\r\nok',
  gzip: { bytes: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nraw-until-close', close: true },
  extra:
    'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!',
  'bad-chunk': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n',
  ok: 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
}

let upstream: RawUpstream
let proxy: Harness

beforeAll(async () => {
  upstream = await startRawUpstream({
    answer: (r) => ANSWERS[/^GET \/r\/([^ ]+)/.exec(r.head)?.[1] ?? 'ok'] ?? ANSWERS.ok!,
  })
  proxy = await startProxy({ upstreamPort: upstream.port, upstreamCaPath: upstream.caPath })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
})

/** GET /r/<name> on a fresh tunnel: what the client got, and the upstream connection used. */
async function get(name: string) {
  const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem)
  c.send(`GET /r/${name} HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n`)
  const r = await c.responses(1)
  c.destroy()
  const conn = upstream.requests.findLast((q) => q.head.startsWith(`GET /r/${name} `))?.conn
  return { ...r, conn: conn ?? -1 }
}

/** The next request (a fresh tunnel) does not get the connection `conn`. */
async function notPooled(conn: number): Promise<void> {
  const next = await get('ok')
  expect(next.statuses).toEqual([200])
  expect(next.conn).not.toBe(conn)
}

const header = (headers: string[] | undefined, name: string): string[] => {
  const out: string[] = []
  for (let i = 0; i < (headers?.length ?? 0); i += 2)
    if (headers![i]!.toLowerCase() === name) out.push(headers![i + 1]!)
  return out
}

describe('upstream responses the proxy refuses (502, connection dropped)', () => {
  for (const [name, what] of [
    ['cl-te', 'a response with CL together with TE gets 502 and its connection is not pooled'],
    ['bare-lf', 'a response header with a bare LF gets 502 and its connection is not pooled'],
    [
      'two-cl',
      'a response with differing Content-Lengths gets 502 and its connection is not pooled',
    ],
    ['obs-fold', 'a response header with obs-fold gets 502 and its connection is not pooled'],
    ['nul', 'a response header with NUL gets 502 and its connection is not pooled'],
    ['te-1.0', 'Transfer-Encoding in an HTTP/1.0 response gets 502'],
    ['chunked-twice', 'chunked applied twice gets 502'],
    ['status-999', 'a status code outside 100–599 gets 502'],
    ['101', 'a 101 the request did not ask for gets 502'],
  ] as const) {
    test(what, async () => {
      const r = await get(name)
      expect(r.statuses).toEqual([502])
      expect(r.error).toBeNull()
      expect(r.raw.toString('latin1')).not.toContain('SMUGGLED')
      await notPooled(r.conn)
    })
  }
})

describe('what reaches the client', () => {
  test('hop-by-hop response headers (Connection and what it lists, Keep-Alive, Proxy-*, Trailer, Upgrade) are not forwarded', async () => {
    const r = await get('hop')
    expect(r.statuses).toEqual([200])
    const names = (r.headers[0] ?? []).filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase())
    expect(names).toEqual(['x-end-to-end', 'content-length'])
  })
  test('Transfer-Encoding other than chunked last: read to the close (RFC 9112 §6.3), the client told Connection: close', async () => {
    const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem)
    c.send('GET /r/gzip HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n')
    await c.closed()
    const r = await c.responses(1)
    expect(r.statuses).toEqual([200])
    expect(r.bodies).toEqual(['raw-until-close'])
    expect(header(r.headers[0], 'transfer-encoding')).toEqual(['gzip'])
    expect(header(r.headers[0], 'connection')).toEqual(['close'])
  })
  test('bytes after a complete response are not relayed and that connection is not pooled', async () => {
    const r = await get('extra')
    expect(r.statuses).toEqual([200])
    expect(r.raw.toString('latin1')).not.toContain('EVIL')
    await notPooled(r.conn)
  })
  test('a malformed chunk line in a response is not relayed (nor anything after it)', async () => {
    const r = await get('bad-chunk')
    expect(r.statuses).toEqual([502])
    expect(r.raw.toString('latin1')).not.toContain('hello')
    await notPooled(r.conn)
  })
  test('a clean response leaves its connection pooled for the next request', async () => {
    const first = await get('ok')
    const second = await get('ok')
    expect([first.statuses, second.statuses]).toEqual([[200], [200]])
    expect(second.conn).toBe(first.conn)
  })
})
