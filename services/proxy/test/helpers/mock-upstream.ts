// Mock LLM upstreams on loopback over TLS (our test CA), one Bun.serve for many host names
// (SNI). Tests register handlers per host and path; WebSocket echo is built in.

import type { Server, ServerWebSocket } from 'bun'
import { testUpstreamCa } from './test-ca.ts'

export type MockHandler = (
  req: Request,
  server: Server<WsData>,
) => Response | Promise<Response> | undefined

export interface WsData {
  host: string
}

export interface MockUpstream {
  port: number
  caPath: string
  caPem: string
  /** Register a handler for `host` + `METHOD /path` (path without query). */
  on(host: string, route: string, handler: MockHandler): void
  /** Requests seen, for assertions. */
  seen: { host: string; method: string; path: string; headers: Headers; body: string }[]
  stop(): Promise<void>
}

export const MOCK_HOSTS = [
  'api.anthropic.com',
  'api.openai.com',
  'chatgpt.com',
  'generativelanguage.googleapis.com',
  'api.mistral.ai',
  'example.com',
  'plain.example.com',
]

export async function startMockUpstream(): Promise<MockUpstream> {
  const ca = await testUpstreamCa()
  const routes = new Map<string, MockHandler>()
  const seen: MockUpstream['seen'] = []
  const server = Bun.serve<WsData>({
    hostname: '127.0.0.1',
    port: 0,
    tls: MOCK_HOSTS.map((h) => ({ serverName: h, ...ca.certFor(h) })),
    async fetch(req, srv) {
      const url = new URL(req.url)
      const host = (req.headers.get('host') ?? url.hostname).split(':')[0]!
      const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text()
      seen.push({
        host,
        method: req.method,
        path: url.pathname + url.search,
        headers: req.headers,
        body,
      })
      if (url.pathname === '/ws-echo' && srv.upgrade(req, { data: { host } })) return undefined
      const handler = routes.get(`${host} ${req.method} ${url.pathname}`)
      if (!handler)
        return new Response(`no mock for ${host} ${req.method} ${url.pathname}`, { status: 404 })
      const rebuilt = new Request(req.url, {
        method: req.method,
        headers: req.headers,
        ...(body ? { body } : {}),
      })
      return (await handler(rebuilt, srv)) ?? new Response('handled', { status: 200 })
    },
    websocket: {
      perMessageDeflate: true,
      // Above the proxy's tap bound (16 MiB), so a test can send what the tap has to skip.
      maxPayloadLength: 64 * 1024 * 1024,
      message(ws: ServerWebSocket<WsData>, message) {
        ws.send(typeof message === 'string' ? `echo:${message}` : message, true)
      },
    },
  })
  return {
    port: server.port!,
    caPath: ca.certPath,
    caPem: ca.ca.certPem,
    on(host, route, handler) {
      routes.set(`${host} ${route}`, handler)
    },
    seen,
    stop: async () => {
      await server.stop(true)
    },
  }
}
