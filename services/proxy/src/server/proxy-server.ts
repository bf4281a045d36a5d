// The proxy's listening socket: every connection starts as a plain HTTP session that may turn
// into a CONNECT (MITM or blind tunnel), an absolute-form http:// request, or /health, /metrics.
// Connections are tracked (connections/registry.ts): capped in total and per user, closed when
// PROXY_USERS drops their user or token.

import type { TCPSocketListener, TCPSocketListenOptions } from 'bun'
import type { LeafTls } from '../ca/leaf-cache.ts'
import { type ConnectionRegistry, createConnectionRegistry } from '../connections/registry.ts'
import type { DestinationGuard } from '../destinations/guard.ts'
import type { RequestHead } from '../http1/head.ts'
import type { Admission } from '../identity/credentials.ts'
import type { ProxyUser, UserCheck } from '../identity/users.ts'
import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'
import type { ExchangeContext } from '../mitm/context.ts'
import { startHttpSession } from '../mitm/session.ts'
import { BUN_CONN_HANDLERS, BunConn } from '../net/conn.ts'
import { handleConnect } from './connect.ts'
import { absoluteFormCheck } from './destination-check.ts'
import { tooManyConnections, tooManyForUser } from './limits.ts'
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
  /** Where clients may be connected (team mode: public addresses, open ports). */
  guard: DestinationGuard
  /** PROXY_WORKERS: share the port with the other workers (SO_REUSEPORT; the kernel spreads
   *  new connections over them). */
  reusePort?: boolean
  /** PROXY_WORKERS: the /metrics body, every worker's summed (default: this process's). */
  metricsText?: () => Promise<string>
}

export interface ProxyServer {
  listen(): Promise<{ host: string; port: number }>
  /** Stop accepting, wait for in-flight exchanges (up to graceMs), then drop what is left. */
  close(graceMs: number): Promise<void>
  openConnections(): number
  /** PROXY_USERS changed: close connections whose user + token are no longer in `users`. */
  revoke(users: readonly ProxyUser[]): number
}

export function createProxyServer(deps: ProxyServerDeps): ProxyServer {
  const { ctx } = deps
  const cfg = ctx.config
  const intercepts = deps.intercepts ?? createHostMatcher(cfg.interceptHosts)
  const admit = createAdmit(deps.users ?? (() => null), ctx.log, ctx.metrics)
  const inflight = new Set<Promise<unknown>>()
  const connections: ConnectionRegistry = createConnectionRegistry({
    maxTotal: cfg.maxConnections,
    maxPerUser: cfg.maxConnectionsPerUser,
  })
  ctx.metrics.labelledGauge(
    'tokentap_client_connections',
    'Client connections open, by state (plain: HTTP to the proxy; mitm; tunnel).',
    'state',
    () => connections.byState(),
  )
  const track = (p: Promise<unknown>): void => {
    inflight.add(p)
    void p.finally(() => inflight.delete(p))
  }
  const startedAt = ctx.now()
  const local = localEndpoints(
    ctx.metrics,
    () => ({
      status: 'ok',
      uptimeSeconds: Math.round((ctx.now() - startedAt) / 1000),
      connections: connections.size(),
      inflightExchanges: inflight.size,
      ...deps.health?.(),
    }),
    deps.metricsText,
  )
  // Refusals over a limit come in floods: one warning per minute, with the count since.
  let refusedSinceWarning = 0
  let lastWarning = Number.NEGATIVE_INFINITY
  const warnLimit = (reason: string, line: string): void => {
    ctx.metrics.connectionRefused(reason)
    refusedSinceWarning++
    if (ctx.now() - lastWarning < 60_000) return
    ctx.log.warn(`${line} (${refusedSinceWarning} refused over limits since the last warning)`)
    refusedSinceWarning = 0
    lastWarning = ctx.now()
  }

  const onConnection = (conn: BunConn): void => {
    const client = conn.raw?.remoteAddress ?? 'unknown'
    const tracked = connections.open(conn)
    if (!tracked) {
      warnLimit(
        'max_connections',
        `503 to ${client}: ${cfg.maxConnections} connections open (PROXY_MAX_CONNECTIONS)`,
      )
      conn.on('error', () => conn.destroy())
      conn.end(tooManyConnections(cfg.maxConnections))
      return
    }
    conn.on('close', () => tracked.release())
    conn.setNoDelay(true)
    /** Team mode: the caller's connection counts against their limit (429 past it). */
    const admitHere = (head: RequestHead): Admission => {
      const a = admit(head, client)
      if (!a.ok || a.identity.user === null || a.credential === null) return a
      if (tracked.claim(a.identity.user, a.credential)) return a
      const user = a.identity.user
      warnLimit(
        'max_connections_per_user',
        `429 ${head.method} from ${client} user ${JSON.stringify(user)}: ` +
          `${cfg.maxConnectionsPerUser} connections open (PROXY_MAX_CONNECTIONS_PER_USER)`,
      )
      return { ok: false, response: tooManyForUser(user, cfg.maxConnectionsPerUser) }
    }
    startHttpSession({
      ctx,
      socket: conn,
      mode: { kind: 'plain' },
      identity: { user: null, project: null, token: null },
      intercepts,
      local,
      track,
      admit: admitHere,
      checkDestination: absoluteFormCheck(ctx, deps.guard, client),
      onConnect: (head, s, leftover) =>
        handleConnect(
          {
            ctx,
            intercepts,
            tlsFor: deps.tlsFor,
            track,
            admit: admitHere,
            guard: deps.guard,
            tracked,
            client,
          },
          head,
          s,
          leftover,
        ),
    })
  }
  let listener: TCPSocketListener<BunConn> | null = null

  return {
    async listen() {
      const options: TCPSocketListenOptions<BunConn> = {
        hostname: cfg.host,
        port: cfg.port,
        socket: {
          ...BUN_CONN_HANDLERS,
          open(socket) {
            socket.data = new BunConn().attach(socket)
            onConnection(socket.data)
          },
        },
      }
      // Bun.listen takes reusePort (SO_REUSEPORT on Linux) though its listen type omits it.
      listener = Bun.listen<BunConn>(
        deps.reusePort ? Object.assign(options, { reusePort: true }) : options,
      )
      return { host: listener.hostname, port: listener.port }
    },
    async close(graceMs) {
      listener?.stop(false)
      const deadline = new Promise<void>((r) => setTimeout(r, graceMs).unref?.())
      await Promise.race([Promise.all([...inflight]), deadline])
      connections.closeAll()
      await Promise.race([Promise.all([...inflight]), new Promise((r) => setTimeout(r, 100))])
      listener?.stop(true)
    },
    openConnections: () => connections.size(),
    revoke(users) {
      const valid = new Set(users.map((u) => `${u.name}\0${u.tokenSha256}`))
      const closed = connections.revoke((user, credential) => valid.has(`${user}\0${credential}`))
      if (closed > 0) {
        ctx.metrics.connectionsRevoked(closed)
        ctx.log.info(`closed ${closed} connections whose user or token left PROXY_USERS`)
      }
      return closed
    },
  }
}
