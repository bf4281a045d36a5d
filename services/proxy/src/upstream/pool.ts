// Upstream connections: TLS verified against the bundled and system roots + TOKENTAP_UPSTREAM_CA
// (or plain TCP for http://), connected through the resolver, kept alive and reused per
// host:port and caller: a connection one team user's request went over never carries another
// user's (so a framing mistake anywhere cannot glue one user's request onto another's).

import net from 'node:net'
import tls from 'node:tls'
import type { TLSOptions } from 'bun'
import type { Conn } from '../net/conn.ts'
import type { Resolver } from '../net/resolve.ts'
import { type Dialer, dial } from './dial.ts'

export interface UpstreamKey {
  host: string
  port: number
  tls: boolean
  /** Whose connections these are (poolIdentity): never shared across two of them. */
  identity: string
}

/** The pool partition of a caller: one per user in team mode, one in local mode (one person's
 *  machine, and callers there are not authenticated anyway). */
export function poolIdentity(user: string | null, teamMode: boolean): string {
  if (!teamMode) return 'local'
  return user === null ? 'team-anonymous' : `team-user:${user}`
}

export interface PoolOptions {
  resolve: Resolver
  /** How a connection is opened (the destination guard's dialer); default: `resolve`, by name. */
  dial?: Dialer
  /** Extra PEM roots. */
  extraCa: string[]
  connectTimeoutMs: number
  maxIdlePerKey?: number
  maxWarmingPerKey?: number
  /** Prewarms in flight over all keys: past it a CONNECT prewarms nothing (a storm of CONNECTs
   *  would otherwise cost two handshakes each, all on this thread, for connections the pool
   *  cannot even keep: its requests dial when they come). */
  maxWarmingTotal?: number
  idleTimeoutMs?: number
}

export interface UpstreamPool {
  acquire(key: UpstreamKey): Promise<{ socket: Conn; reused: boolean }>
  /** Start a connection now (a CONNECT just arrived) so the first request finds it ready. */
  prewarm(key: UpstreamKey): void
  /** Hand back a socket whose last exchange ended on a parsed message boundary on both sides
   *  (the caller decides that; the pool drops it on any byte that arrives while idle). */
  release(key: UpstreamKey, socket: Conn): void
  idleCount(): number
  /** Upstream connections opened so far (prewarmed ones included). */
  connectCount(): number
  close(): void
}

const keyString = (k: UpstreamKey): string => JSON.stringify([k.tls, k.host, k.port, k.identity])

/** Bundled roots, the system store and the extra roots. */
export function upstreamRoots(extraCa: string[]): string[] {
  const system = (() => {
    try {
      return tls.getCACertificates('system')
    } catch {
      return []
    }
  })()
  return [...new Set([...tls.rootCertificates, ...system, ...extraCa])]
}

export function createUpstreamPool(opts: PoolOptions): UpstreamPool {
  const ca = upstreamRoots(opts.extraCa)
  const idle = new Map<string, Conn[]>()
  /** Prewarmed connections still connecting, not yet claimed by a request. */
  const warming = new Map<string, Promise<Conn>[]>()
  const maxIdle = opts.maxIdlePerKey ?? 64
  /** Prewarms in flight per host and in all. */
  const maxWarming = opts.maxWarmingPerKey ?? 1024
  const maxWarmingTotal = opts.maxWarmingTotal ?? 8
  let warmingTotal = 0
  const idleTimeout = opts.idleTimeoutMs ?? 30_000
  let idleTotal = 0

  function removeIdle(k: string, s: Conn): void {
    const list = idle.get(k)
    const i = list?.indexOf(s) ?? -1
    if (list && i >= 0) {
      list.splice(i, 1)
      idleTotal--
    }
  }

  const tlsByHost = new Map<string, TLSOptions>()
  /** One options object per server name: Bun reuses the TLS context built from it. */
  function tlsFor(host: string): TLSOptions {
    let t = tlsByHost.get(host)
    if (!t) {
      t = { ca, rejectUnauthorized: true, ...(net.isIP(host) ? {} : { serverName: host }) }
      tlsByHost.set(host, t)
    }
    return t
  }

  let connects = 0
  function connect(key: UpstreamKey): Promise<Conn> {
    connects++
    const tls = key.tls ? tlsFor(key.host) : null
    if (opts.dial) {
      return opts.dial({ host: key.host, port: key.port, tls, timeoutMs: opts.connectTimeoutMs })
    }
    const target = opts.resolve(key.host, key.port)
    return dial({ host: target.host, port: target.port, tls, timeoutMs: opts.connectTimeoutMs })
  }

  function release(key: UpstreamKey, socket: Conn): void {
    const k = keyString(key)
    let list = idle.get(k)
    if (!list) {
      list = []
      idle.set(k, list)
    }
    if (socket.destroyed || list.length >= maxIdle) {
      socket.destroy()
      return
    }
    socket.removeAllListeners('data')
    socket.removeAllListeners('end')
    socket.removeAllListeners('error')
    socket.removeAllListeners('close')
    const drop = (): void => {
      removeIdle(k, socket)
      socket.destroy()
    }
    socket.on('data', drop)
    socket.on('end', drop)
    socket.on('error', drop)
    socket.on('close', drop)
    socket.setTimeout(idleTimeout, drop)
    if (socket.isPaused()) socket.resume()
    list.push(socket)
    idleTotal++
  }

  function takeWarming(k: string): Promise<Conn> | undefined {
    const list = warming.get(k)
    const p = list?.shift()
    if (list && list.length === 0) warming.delete(k)
    return p
  }

  return {
    prewarm(key) {
      const k = keyString(key)
      const list = warming.get(k) ?? []
      if ((idle.get(k)?.length ?? 0) > list.length || list.length >= maxWarming) return
      if (warmingTotal >= maxWarmingTotal) return
      const p = connect(key)
      warmingTotal++
      list.push(p)
      warming.set(k, list)
      void p.then(
        () => warmingTotal--,
        () => warmingTotal--,
      )
      p.then(
        (socket) => {
          const l = warming.get(k)
          const i = l?.indexOf(p) ?? -1
          if (l && i >= 0) {
            l.splice(i, 1)
            if (l.length === 0) warming.delete(k)
            release(key, socket)
          }
        },
        () => {
          const l = warming.get(k)
          const i = l?.indexOf(p) ?? -1
          if (l && i >= 0) l.splice(i, 1)
        },
      )
    },
    async acquire(key) {
      const k = keyString(key)
      const list = idle.get(k)
      while (list && list.length > 0) {
        const s = list.pop()!
        idleTotal--
        s.removeAllListeners('close')
        s.removeAllListeners('error')
        s.removeAllListeners('data')
        s.removeAllListeners('end')
        s.removeAllListeners('timeout')
        s.setTimeout(0)
        if (!s.destroyed) return { socket: s, reused: true }
        s.destroy()
      }
      const warm = takeWarming(k)
      if (warm) {
        try {
          return { socket: await warm, reused: false }
        } catch {
          // the prewarm failed: try once more below, reporting that attempt's error
        }
      }
      return { socket: await connect(key), reused: false }
    },
    release,
    idleCount: () => idleTotal,
    connectCount: () => connects,
    close() {
      for (const list of warming.values())
        for (const p of list)
          p.then(
            (s) => s.destroy(),
            () => {},
          )
      warming.clear()
      for (const list of idle.values()) for (const s of list) s.destroy()
      idle.clear()
      idleTotal = 0
    },
  }
}
