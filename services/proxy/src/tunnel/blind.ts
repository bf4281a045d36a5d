// A blind CONNECT tunnel for hosts we do not intercept: TCP bytes both ways, never decrypted.

import { errorResponse } from '../http1/respond.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import { type Conn, writeOrPause } from '../net/conn.ts'
import type { Resolver } from '../net/resolve.ts'
import { dial } from '../upstream/dial.ts'

export interface TunnelOptions {
  client: Conn
  host: string
  port: number
  leftover: Buffer
  resolve: Resolver
  connectTimeoutMs: number
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
  const target = o.resolve(o.host, o.port)
  let clientGone = false
  client.on('close', () => {
    clientGone = true
  })
  client.on('error', () => {})
  dial({ ...target, tls: null, timeoutMs: o.connectTimeoutMs }).then(
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
      client.resume()
    },
    (e: Error) => {
      o.metrics.upstreamError()
      o.log.warn(`tunnel ${o.host}:${o.port}: ${e.message}`)
      client.end(errorResponse(502, `cannot reach ${o.host}:${o.port}: ${e.message}`))
    },
  )
}
