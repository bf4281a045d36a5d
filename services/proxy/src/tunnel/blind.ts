// A blind CONNECT tunnel for hosts we do not intercept: TCP bytes both ways, never decrypted,
// closed after `idleTimeoutMs` without a byte in either direction.

import { errorResponse } from '../http1/respond.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import { type Conn, writeOrPause } from '../net/conn.ts'

export interface TunnelOptions {
  client: Conn
  host: string
  port: number
  leftover: Buffer
  /** Connects to the destination (the guard's checked addresses). */
  open: () => Promise<Conn>
  idleTimeoutMs: number
  metrics: ProxyMetrics
  log: Logger
}

/** Relays `from` into `to` with backpressure. */
export function relay(from: Conn, to: Conn): void {
  from.on('data', (c: Buffer) => writeOrPause(to, c, from))
  from.on('end', () => to.end())
}

export function openBlindTunnel(o: TunnelOptions): void {
  const { client } = o
  let clientGone = false
  client.on('close', () => {
    clientGone = true
  })
  client.on('error', () => {})
  o.open().then(
    (up) => {
      if (clientGone) {
        up.destroy()
        return
      }
      o.metrics.tunnelOpened()
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      if (o.leftover.length > 0) up.write(o.leftover)
      relay(client, up)
      relay(up, client)
      let done = false
      const end = (): void => {
        if (done) return
        done = true
        o.metrics.tunnelClosed()
        client.destroy()
        up.destroy()
      }
      for (const s of [client, up]) {
        s.on('close', end)
        s.on('error', end)
      }
      // The client side sees both directions: its reads (upload) and its writes (download).
      client.setTimeout(o.idleTimeoutMs, () => {
        o.metrics.idleTimeout('tunnel')
        o.log.info(`tunnel ${o.host}:${o.port}: closed after ${o.idleTimeoutMs} ms idle`)
        end()
      })
      client.resume()
    },
    (e: Error) => {
      o.metrics.upstreamError()
      o.log.warn(`tunnel ${o.host}:${o.port}: ${e.message}`)
      client.end(errorResponse(502, `cannot reach ${o.host}:${o.port}: ${e.message}`))
    },
  )
}
