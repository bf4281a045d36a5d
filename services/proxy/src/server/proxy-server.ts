// The proxy's listening socket: every connection starts as a plain HTTP session that may turn
// into a CONNECT (MITM or blind tunnel), an absolute-form http:// request, or /health, /metrics.

import net from 'node:net'
import type tls from 'node:tls'
import { createHostMatcher } from '../intercept/hosts.ts'
import type { ExchangeContext } from '../mitm/context.ts'
import { startHttpSession } from '../mitm/session.ts'
import { handleConnect } from './connect.ts'
import { localEndpoints } from './local.ts'

export interface ProxyServerDeps {
  ctx: ExchangeContext
  secureContextFor(host: string): Promise<tls.SecureContext>
  health?: () => Record<string, unknown>
}

export interface ProxyServer {
  listen(): Promise<{ host: string; port: number }>
  /** Stop accepting, wait for in-flight exchanges (up to graceMs), then drop what is left. */
  close(graceMs: number): Promise<void>
  openConnections(): number
}

export function createProxyServer(deps: ProxyServerDeps): ProxyServer {
  const { ctx } = deps
  const intercepts = createHostMatcher(ctx.config.interceptHosts)
  const inflight = new Set<Promise<unknown>>()
  const sockets = new Set<net.Socket>()
  const track = (p: Promise<unknown>): void => {
    inflight.add(p)
    void p.finally(() => inflight.delete(p))
  }
  const startedAt = ctx.now()
  const local = localEndpoints(ctx.metrics, () => ({
    status: 'ok',
    uptimeSeconds: Math.round((ctx.now() - startedAt) / 1000),
    connections: sockets.size,
    inflightExchanges: inflight.size,
    ...deps.health?.(),
  }))

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    startHttpSession({
      ctx,
      socket,
      mode: { kind: 'plain' },
      identity: { user: null, project: null, token: null },
      intercepts,
      local,
      track,
      onConnect: (head, s, leftover) =>
        handleConnect(
          { ctx, intercepts, secureContextFor: deps.secureContextFor, track },
          head,
          s,
          leftover,
        ),
    })
  })
  server.on('error', (e) => ctx.log.error(`proxy listener: ${e.message}`))

  return {
    listen: () =>
      new Promise((resolve, reject) => {
        server.once('error', reject)
        server.listen(ctx.config.port, ctx.config.host, () => {
          server.off('error', reject)
          const a = server.address() as net.AddressInfo
          resolve({ host: a.address, port: a.port })
        })
      }),
    async close(graceMs) {
      const stopped = new Promise<void>((r) => server.close(() => r()))
      const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref?.())
      await Promise.race([Promise.all([...inflight]), deadline])
      for (const s of sockets) s.destroy()
      await Promise.race([Promise.all([...inflight]), new Promise((r) => setTimeout(r, 100))])
      await stopped
    },
    openConnections: () => sockets.size,
  }
}
