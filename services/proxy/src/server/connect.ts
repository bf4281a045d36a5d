// CONNECT: admit the caller, check the destination (team mode: public addresses and open ports
// only, resolved once), then decrypt (intercepted LLM host) or tunnel blind.

import type { LeafTls } from '../ca/leaf-cache.ts'
import type { TrackedConnection } from '../connections/registry.ts'
import type { DestinationGuard, Verdict } from '../destinations/guard.ts'
import type { RequestHead } from '../http1/head.ts'
import { errorResponse } from '../http1/respond.ts'
import type { Admission } from '../identity/credentials.ts'
import type { HostMatcher } from '../intercept/hosts.ts'
import type { ExchangeContext } from '../mitm/context.ts'
import { startHttpSession } from '../mitm/session.ts'
import { BUN_CONN_HANDLERS, BunConn, type Conn } from '../net/conn.ts'
import { openBlindTunnel } from '../tunnel/blind.ts'
import { dialTargets } from '../upstream/dial.ts'
import { poolIdentity } from '../upstream/pool.ts'
import { logRefusal } from './destination-check.ts'

export interface ConnectDeps {
  ctx: ExchangeContext
  intercepts: HostMatcher
  tlsFor(host: string): Promise<LeafTls>
  track(recorded: Promise<unknown>): void
  /** Proxy-Authorization → caller, or a 407 / 429 to send (team mode). */
  admit(head: RequestHead): Admission
  guard: DestinationGuard
  /** This client connection in the registry (state, the socket that carries it). */
  tracked: TrackedConnection
  /** The client's address, for logs. */
  client: string
}

const DNS_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/i
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/

/** `host:port` or `[v6]:port` → parts, or null when malformed. */
export function parseAuthority(target: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d{1,5})$/.exec(target)
  if (!m) return null
  const port = Number(m[2])
  if (port < 1 || port > 65535) return null
  const raw = m[1]!
  const host = raw.startsWith('[') ? raw.slice(1, -1) : raw
  if (!raw.startsWith('[') && !DNS_NAME.test(host) && !IPV4.test(host)) return null
  return { host: host.toLowerCase().replace(/\.$/, ''), port }
}

export function handleConnect(
  d: ConnectDeps,
  head: RequestHead,
  socket: Conn,
  leftover: Buffer,
): void {
  const { ctx } = d
  const refuse = (status: number, message: string): void => {
    ctx.metrics.badRequest()
    ctx.log.warn(`CONNECT ${head.target}: ${message}`)
    socket.end(errorResponse(status, message))
  }
  socket.on('error', () => socket.destroy())
  const authority = parseAuthority(head.target)
  if (!authority) {
    refuse(400, `malformed CONNECT target "${head.target}"`)
    return
  }
  const admission = d.admit(head)
  if (!admission.ok) {
    socket.end(admission.response)
    return
  }
  const { identity } = admission
  const { host, port } = authority
  d.guard.check(host, port, 'connect').then(
    (verdict) => {
      if (socket.destroyed) return
      if (!verdict.ok) {
        logRefusal(ctx, verdict, `CONNECT "${host}:${port}"`, d.client, identity.user)
        socket.end(verdict.response)
        return
      }
      if (d.intercepts(host)) intercept(d, socket, host, port, leftover, identity)
      else tunnel(d, socket, host, port, leftover, verdict)
    },
    (e: Error) => {
      ctx.log.error(`CONNECT ${host}:${port}: destination check failed: ${e.message}`)
      socket.destroy()
    },
  )
}

function tunnel(
  d: ConnectDeps,
  socket: Conn,
  host: string,
  port: number,
  leftover: Buffer,
  verdict: Extract<Verdict, { ok: true }>,
): void {
  const { ctx } = d
  d.tracked.setState('tunnel')
  openBlindTunnel({
    client: socket,
    host,
    port,
    leftover,
    open: () => dialTargets(verdict.targets, null, ctx.config.upstreamConnectTimeoutMs),
    idleTimeoutMs: ctx.config.tunnelIdleTimeoutMs,
    metrics: ctx.metrics,
    log: ctx.log,
  })
}

function intercept(
  d: ConnectDeps,
  socket: Conn,
  host: string,
  port: number,
  leftover: Buffer,
  identity: Extract<Admission, { ok: true }>['identity'],
): void {
  const { ctx } = d
  d.tracked.setState('mitm')
  socket.write('HTTP/1.1 200 Connection Established\r\n\r\n')
  // The upstream handshake overlaps the client's: the first request finds a connection ready.
  // Keyed like the session's requests (same caller), or the request would not find it.
  ctx.pool.prewarm({
    host,
    port,
    tls: true,
    identity: poolIdentity(identity.user, ctx.config.proxyUsersFile !== undefined),
  })
  if (leftover.length > 0) {
    // A client that sent its TLS hello before reading our 200: Bun's native upgrade cannot
    // take bytes already read, so the client is asked to retry the usual way.
    ctx.log.warn(`CONNECT ${host}: ${leftover.length} bytes arrived before the tunnel was set up`)
    socket.destroy()
    return
  }
  d.tlsFor(host).then(
    (leaf) => {
      const raw = socket as BunConn
      const rawSocket = raw.raw
      if (raw.destroyed || !rawSocket) return
      const tlsConn = new BunConn()
      raw.detached = true
      raw.removeAllListeners()
      const [, tlsSocket] = rawSocket.upgradeTLS<BunConn>({
        isServer: true,
        data: tlsConn,
        tls: { key: leaf.key, cert: leaf.cert, ALPNProtocols: ALPN_HTTP1 },
        socket: BUN_CONN_HANDLERS,
      } as Parameters<typeof rawSocket.upgradeTLS<BunConn>>[0])
      tlsConn.attach(tlsSocket)
      d.tracked.setSocket(tlsConn)
      ctx.metrics.mitmOpened()
      tlsConn.on('close', () => {
        ctx.metrics.mitmClosed()
        d.tracked.release()
      })
      tlsConn.on('handshake', (ok: boolean, err: Error | null) => {
        if (ok) return
        ctx.log.warn(`TLS with the client for ${host}: ${err?.message ?? 'handshake failed'}`)
        tlsConn.destroy()
      })
      tlsConn.on('error', () => tlsConn.destroy())
      startHttpSession({
        ctx,
        socket: tlsConn,
        mode: { kind: 'mitm', host, port },
        identity,
        intercepts: d.intercepts,
        track: d.track,
      })
      rawSocket.resume()
    },
    (e: Error) => {
      ctx.log.error(`cannot mint a certificate for ${host}: ${e.message}`)
      socket.destroy()
    },
  )
}

/** ALPN protocol list in wire format (length-prefixed): http/1.1 only. */
const ALPN_HTTP1 = '\x08http/1.1'
