// Loopback TLS mock for the real CLIs: any set of host names (SNI, test CA), HTTP handlers per
// `host METHOD /path` (query ignored; a trailing `*` matches a prefix), WebSocket handlers per
// `host /path`, 404 for the rest.
// Composed from the shared test CA; unlike helpers/mock-upstream.ts it speaks WebSocket on any
// route, which Codex's Responses transport needs.

import type { Server, ServerWebSocket } from 'bun'
import { testUpstreamCa } from '../helpers/test-ca.ts'

export interface SeenRequest {
  host: string
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

/** `path` is the pathname (no query). */
export type HttpHandler = (req: Request, body: string, path: string) => Response | Promise<Response>

export interface WsHandler {
  /** Accept the upgrade? (false → 426, like a server that refuses WebSockets.) */
  accept?(req: Request): boolean
  /** One client message; `send` logs and sends one server message. */
  message(text: string, send: (text: string) => void, ws: ServerWebSocket<WsData>): void
  close?(): void
}

export interface WsData {
  host: string
  path: string
  handler: WsHandler
}

export interface CliUpstream {
  port: number
  caPath: string
  on(host: string, route: string, handler: HttpHandler): void
  onWs(host: string, path: string, handler: WsHandler): void
  seen: SeenRequest[]
  /** Every WebSocket message both ways, for assertions and diagnosis. */
  wsLog: { host: string; path: string; direction: 'client' | 'server'; text: string }[]
  stop(): Promise<void>
}

export async function startCliUpstream(
  hosts: string[],
  opts: { wsDeflate?: boolean } = {},
): Promise<CliUpstream> {
  const ca = await testUpstreamCa()
  const routes = new Map<string, HttpHandler>()
  const wsRoutes = new Map<string, WsHandler>()
  const seen: SeenRequest[] = []
  const wsLog: CliUpstream['wsLog'] = []
  const server: Server<WsData> = Bun.serve<WsData>({
    hostname: '127.0.0.1',
    port: 0,
    tls: [...new Set(hosts)].map((h) => ({ serverName: h, ...ca.certFor(h) })),
    async fetch(req, srv) {
      const url = new URL(req.url)
      const host = (req.headers.get('host') ?? url.hostname).split(':')[0]!
      const isWs = req.headers.get('upgrade')?.toLowerCase() === 'websocket'
      const body = req.method === 'GET' || req.method === 'HEAD' ? '' : await req.text()
      seen.push({
        host,
        method: isWs ? 'WS' : req.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(req.headers),
        body,
      })
      if (isWs) {
        const handler = wsRoutes.get(`${host} ${url.pathname}`)
        if (!handler || handler.accept?.(req) === false) {
          return new Response('websocket refused', { status: 426 })
        }
        if (srv.upgrade(req, { data: { host, path: url.pathname, handler } })) return undefined
        return new Response('upgrade failed', { status: 400 })
      }
      const key = `${host} ${req.method} ${url.pathname}`
      const handler =
        routes.get(key) ??
        [...routes].find(([k]) => k.endsWith('*') && key.startsWith(k.slice(0, -1)))?.[1]
      if (!handler) {
        return new Response(`no mock for ${host} ${req.method} ${url.pathname}`, { status: 404 })
      }
      return handler(req, body, url.pathname)
    },
    websocket: {
      perMessageDeflate: opts.wsDeflate ?? false,
      message(ws, message) {
        const text = typeof message === 'string' ? message : new TextDecoder().decode(message)
        wsLog.push({ host: ws.data.host, path: ws.data.path, direction: 'client', text })
        const send = (out: string) => {
          wsLog.push({ host: ws.data.host, path: ws.data.path, direction: 'server', text: out })
          ws.send(out)
        }
        ws.data.handler.message(text, send, ws)
      },
      close(ws) {
        ws.data.handler.close?.()
      },
    },
  })
  return {
    port: server.port!,
    caPath: ca.certPath,
    on(host, route, handler) {
      routes.set(`${host} ${route}`, handler)
    },
    onWs(host, path, handler) {
      wsRoutes.set(`${host} ${path}`, handler)
    },
    seen,
    wsLog,
    stop: async () => {
      await server.stop(true)
    },
  }
}
