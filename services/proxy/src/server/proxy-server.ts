// The proxy's listening socket: every connection starts as a plain HTTP session that may turn
// into a CONNECT (MITM or blind tunnel), an absolute-form http:// request, or /health, /metrics.

import type { TCPSocketListener } from 'bun'
import type { LeafTls } from '../ca/leaf-cache.ts'
import type { UserCheck } from '../identity/users.ts'
import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'
import type { ExchangeContext } from '../mitm/context.ts'
import { startHttpSession } from '../mitm/session.ts'
import { BUN_CONN_HANDLERS, BunConn } from '../net/conn.ts'
import { handleConnect } from './connect.ts'
import { localEndpoints } from './local.ts'
import { createAdmit } from './proxy-auth.ts'

export interface ProxyServerDeps {
  ctx: ExchangeContext
  /** Which CONNECT hosts are decrypted (default: the configured intercept list). */
  intercepts?: HostMatcher
  tlsFor(host: string): Promise<LeafTls>
  health?: () => Record<string, unknown>
  /** Team mode: the users check in force (null or absent = local mode, any USER). */
  users?: () => UserCheck | null
}

export interface ProxyServer {
  listen(): Promise<{ host: string; port: number }>
  /** Stop accepting, wait for in-flight exchanges (up to graceMs), then drop what is left. */
  close(graceMs: number): Promise<void>
  openConnections(): number
}

export function createProxyServer(deps: ProxyServerDeps): ProxyServer {
  const { ctx } = deps
  const intercepts = deps.intercepts ?? createHostMatcher(ctx.config.interceptHosts)
  const admit = createAdmit(deps.users ?? (() => null), ctx.log, ctx.metrics)
  const inflight = new Set<Promise<unknown>>()
  const sockets = new Set<BunConn>()
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

  const onConnection = (conn: BunConn): void => {
    sockets.add(conn)
    conn.on('close', () => sockets.delete(conn))
    conn.setNoDelay(true)
    const client = conn.raw?.remoteAddress ?? 'unknown'
    startHttpSession({
      ctx,
      socket: conn,
      mode: { kind: 'plain' },
      identity: { user: null, project: null, token: null },
      intercepts,
      local,
      track,
      admit: (head) => admit(head, client),
      onConnect: (head, s, leftover) =>
        handleConnect(
          { ctx, intercepts, tlsFor: deps.tlsFor, track, admit: (h) => admit(h, client) },
          head,
          s,
          leftover,
        ),
    })
  }
  let listener: TCPSocketListener<BunConn> | null = null

  return {
    async listen() {
      listener = Bun.listen<BunConn>({
        hostname: ctx.config.host,
        port: ctx.config.port,
        socket: {
          ...BUN_CONN_HANDLERS,
          open(socket) {
            socket.data = new BunConn().attach(socket)
            onConnection(socket.data)
          },
        },
      })
      return { host: listener.hostname, port: listener.port }
    },
    async close(graceMs) {
      listener?.stop(false)
      const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref?.())
      await Promise.race([Promise.all([...inflight]), deadline])
      for (const s of sockets) s.destroy()
      await Promise.race([Promise.all([...inflight]), new Promise((r) => setTimeout(r, 100))])
      listener?.stop(true)
    },
    openConnections: () => sockets.size,
  }
}
