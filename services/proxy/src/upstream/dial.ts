// Opens a native Bun connection (TCP, or TLS verified with the given options) as a Conn.

import type { TLSOptions } from 'bun'
import { BUN_CONN_HANDLERS, BunConn } from '../net/conn.ts'

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
