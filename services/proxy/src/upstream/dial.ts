// Opens a native Bun connection (TCP, or TLS verified with the given options) as a Conn, and the
// guarded dialer: the destination guard's checked addresses, tried in order, and nothing else.

import type { TLSOptions } from 'bun'
import { type DestinationGuard, DestinationRefused } from '../destinations/guard.ts'
import { BUN_CONN_HANDLERS, BunConn, type Conn } from '../net/conn.ts'
import type { Target } from '../net/resolve.ts'

export interface DialOptions {
  host: string
  port: number
  /** null: plain TCP. */
  tls: TLSOptions | null
  timeoutMs: number
}

export function dial(o: DialOptions): Promise<BunConn> {
  const conn = new BunConn()
  return new Promise((resolve, reject) => {
    let settled = false
    const done = (e: Error | null): void => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      conn.removeAllListeners()
      if (e) {
        conn.destroy()
        reject(e)
        return
      }
      conn.setNoDelay(true)
      resolve(conn)
    }
    const timer = setTimeout(
      () => done(new Error(`connect timeout after ${o.timeoutMs} ms`)),
      o.timeoutMs,
    )
    conn.on('error', (e: Error) => done(e))
    conn.on('close', () => done(new Error('connection closed during the handshake')))
    if (o.tls) {
      conn.on('handshake', (ok: boolean, authError: Error | null) =>
        done(authError ?? (ok ? null : new Error('TLS handshake failed'))),
      )
    }
    Bun.connect<BunConn>({
      hostname: o.host,
      port: o.port,
      data: conn,
      socket: BUN_CONN_HANDLERS,
      ...(o.tls ? { tls: o.tls } : {}),
    }).then(
      (socket) => {
        conn.attach(socket)
        if (!o.tls) done(null)
      },
      (e: Error) => done(e),
    )
  })
}

/** Opens a connection to the destination a client asked for (host = the name, port). */
export type Dialer = (o: DialOptions) => Promise<Conn>

/** Connection failures worth trying the next address for (not TLS or certificate errors). */
const NEXT_ADDRESS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL'])

/**
 * Dials `targets` in order until one connects. Every attempt but the last gets half the time
 * left, so one black-holed address (an IPv6 route that goes nowhere) cannot use it all.
 */
export async function dialTargets(
  targets: readonly Target[],
  tls: TLSOptions | null,
  timeoutMs: number,
  dialOne: (o: DialOptions) => Promise<Conn> = dial,
): Promise<Conn> {
  const deadline = performance.now() + timeoutMs
  let last: Error = new Error('no address to connect to')
  for (let i = 0; i < targets.length; i++) {
    const left = Math.max(1, Math.round(deadline - performance.now()))
    const isLast = i === targets.length - 1
    const t = targets[i]!
    try {
      return await dialOne({
        host: t.host,
        port: t.port,
        tls,
        timeoutMs: isLast ? left : Math.max(1, Math.round(left / 2)),
      })
    } catch (e) {
      last = e as Error
      const code = (e as Error & { code?: string }).code
      const timedOut = last.message.startsWith('connect timeout')
      if (!timedOut && !NEXT_ADDRESS.has(code ?? '')) throw last
    }
  }
  throw last
}

/** The pool's dialer: the guard decides (one lookup), then only its addresses are dialled. */
export function guardedDialer(
  guard: DestinationGuard,
  dialOne: (o: DialOptions) => Promise<Conn> = dial,
): Dialer {
  return async (o) => {
    const verdict = await guard.check(o.host, o.port, o.tls ? 'connect' : 'http')
    if (!verdict.ok) throw new DestinationRefused(verdict)
    return dialTargets(verdict.targets, o.tls, o.timeoutMs, dialOne)
  }
}
