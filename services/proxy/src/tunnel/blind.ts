// A blind CONNECT tunnel for hosts we do not intercept: TCP bytes both ways, never decrypted.

import net from 'node:net'
import type { Duplex } from 'node:stream'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import type { Resolver } from '../net/resolve.ts'

export interface TunnelOptions {
  client: Duplex
  host: string
  port: number
  leftover: Buffer
  resolve: Resolver
  connectTimeoutMs: number
  metrics: ProxyMetrics
  log: Logger
}

export function openBlindTunnel(o: TunnelOptions): void {
  const { client } = o
  const target = o.resolve(o.host, o.port)
  const up = net.connect({ host: target.host, port: target.port })
  let connected = false
  let closed = false
  const timer = setTimeout(() => {
    if (!connected) fail(new Error(`connect timeout after ${o.connectTimeoutMs} ms`))
  }, o.connectTimeoutMs)

  function fail(e: Error): void {
    clearTimeout(timer)
    if (closed) return
    closed = true
    o.metrics.upstreamError()
    o.log.warn(`tunnel ${o.host}:${o.port}: ${e.message}`)
    up.destroy()
    const body = `tokentap: cannot reach ${o.host}:${o.port}: ${e.message}\n`
    client.end(
      `HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/plain; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    )
  }

  client.on('error', () => up.destroy())
  client.on('close', () => {
    if (!connected) {
      closed = true
      clearTimeout(timer)
      up.destroy()
    }
  })
  up.once('error', (e) => {
    if (!connected) fail(e)
  })
  up.once('connect', () => {
    clearTimeout(timer)
    if (closed) {
      up.destroy()
      return
    }
    connected = true
    up.setNoDelay(true)
    o.metrics.tunnelOpened()
    client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
    if (o.leftover.length > 0) up.write(o.leftover)
    client.pipe(up)
    up.pipe(client)
    let done = false
    const end = (): void => {
      if (done) return
      done = true
      o.metrics.tunnelClosed()
      client.destroy()
      up.destroy()
    }
    up.on('error', end)
    up.on('close', end)
    client.on('error', end)
    client.on('close', end)
    client.resume()
  })
}
