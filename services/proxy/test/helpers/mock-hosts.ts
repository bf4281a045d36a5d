// A TLS mock upstream (our test CA, one SNI certificate per host) that replays canned exchanges:
// status, headers and the exact body bytes, streamed in a few chunks with small delays.

import type { Server } from 'bun'
import { testUpstreamCa } from './test-ca.ts'

export interface CannedExchange {
  status: number
  headers: Record<string, string>
  body: Uint8Array
  /** Number of chunks the body is sent in (1 = whole). */
  chunks: number
}

export interface MockHosts {
  port: number
  caPath: string
  /** Register a canned answer for `host` + `METHOD /path?query` (exactly as the client sends). */
  serve(host: string, method: string, pathAndQuery: string, exchange: CannedExchange): void
  /** Requests seen: host, method, path with query, body. */
  seen: { host: string; method: string; path: string; body: Uint8Array }[]
  stop(): Promise<void>
}

function chunked(body: Uint8Array, parts: number): ReadableStream<Uint8Array> {
  const size = Math.max(1, Math.ceil(body.length / parts))
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      for (let at = 0; at < body.length; at += size) {
        controller.enqueue(body.slice(at, at + size))
        await Bun.sleep(3)
      }
      controller.close()
    },
  })
}

export async function startMockHosts(hosts: string[]): Promise<MockHosts> {
  const ca = await testUpstreamCa()
  const routes = new Map<string, CannedExchange>()
  const seen: MockHosts['seen'] = []
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    tls: [...new Set(hosts)].map((h) => ({ serverName: h, ...ca.certFor(h) })),
    async fetch(req) {
      const url = new URL(req.url)
      const host = (req.headers.get('host') ?? url.hostname).split(':')[0]!
      const path = url.pathname + url.search
      const body = new Uint8Array(await req.arrayBuffer())
      seen.push({ host, method: req.method, path, body })
      const ex = routes.get(`${host} ${req.method} ${path}`)
      if (!ex) return new Response(`no mock for ${host} ${req.method} ${path}`, { status: 404 })
      const payload = ex.chunks > 1 ? chunked(ex.body, ex.chunks) : ex.body
      return new Response(payload, { status: ex.status, headers: ex.headers })
    },
  })
  return {
    port: server.port!,
    caPath: ca.certPath,
    serve(host, method, pathAndQuery, exchange) {
      routes.set(`${host} ${method} ${pathAndQuery}`, exchange)
    },
    seen,
    stop: async () => {
      await server.stop(true)
    },
  }
}
