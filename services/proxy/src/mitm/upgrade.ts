// After a 101: relay both directions byte for byte. For WebSockets on an intercepted host a
// copy of the frames (inflated when permessage-deflate was negotiated) feeds the dialect's
// WebSocket parser, and ws-records.ts turns what it yields into results (one per response).
// Other upgrades are relayed blind. Like blind tunnels, the relay closes after
// PROXY_TUNNEL_IDLE_TIMEOUT_MS without a byte.

import type { ExchangeMeta, HeaderMap, ProviderDialect } from '@tokentap/shared'
import { readLimits } from '../limits/read.ts'
import { createWsLimitTap } from '../limits/ws.ts'
import type { Conn } from '../net/conn.ts'
import { relay } from '../tunnel/blind.ts'
import { createWsTap } from '../ws/conversation.ts'
import { parseDeflateExtension } from '../ws/extensions.ts'
import type { ClientPort, ExchangeContext } from './context.ts'
import type { ExchangeTally } from './result.ts'
import { createWsRecorder } from './ws-records.ts'

export interface UpgradeHooks {
  ctx: ExchangeContext
  client: ClientPort
  upstream: Conn
  responseHeaders: HeaderMap
  dialect: ProviderDialect | null
  meta: ExchangeMeta
  tally: ExchangeTally
  /** The relay is over; `submitted` settles when its last results went to the pipeline. */
  closed(submitted: Promise<void>): void
}

export function startUpgradeRelay(h: UpgradeHooks, upstreamRest: Buffer): void {
  const client = h.client.socket
  const up = h.upstream
  const isWs = (h.responseHeaders.upgrade ?? '').toLowerCase() === 'websocket'
  const wsParser = isWs ? (h.dialect?.createWsParser?.(h.meta) ?? null) : null
  // The 101's rate-limit fields and the socket's rate-limit events ride on its next result.
  const limitTap = h.dialect
    ? createWsLimitTap(
        readLimits(Object.entries(h.responseHeaders), h.tally.firstByteAt ?? h.ctx.now()),
      )
    : null
  const recorder = h.dialect
    ? createWsRecorder({
        provider: h.dialect.provider,
        path: h.meta.path,
        parser: wsParser,
        tally: h.tally,
        now: h.ctx.now,
        submit: (result) => h.ctx.records.submit(result),
        limits: () => limitTap?.take() ?? null,
      })
    : null
  const tap =
    isWs && recorder
      ? createWsTap({
          deflate: parseDeflateExtension(h.responseHeaders['sec-websocket-extensions']),
          onMessage: (m) => {
            limitTap?.message(m, h.ctx.now())
            recorder.message(m)
          },
          onError: (e) => recorder.note(e),
        })
      : null

  up.removeAllListeners('data')
  up.removeAllListeners('end')
  up.removeAllListeners('close')
  up.removeAllListeners('error')
  up.setTimeout(0)

  const pipe = (from: Conn, to: Conn, onChunk: (c: Buffer) => void): void => {
    from.on('data', onChunk)
    relay(from, to)
  }
  const toServer = (c: Buffer): void => {
    h.tally.requestBytes += c.length
    tap?.client(c)
  }
  const toClient = (c: Buffer): void => {
    h.tally.responseBytes += c.length
    tap?.server(c)
  }

  if (upstreamRest.length > 0) {
    toClient(upstreamRest)
    client.write(upstreamRest)
  }
  const pending = h.client.detach()
  if (pending.length > 0) {
    toServer(pending)
    up.write(pending)
  }
  pipe(up, client, toClient)
  pipe(client, up, toServer)
  client.resume()
  up.resume()

  let ended = false
  const end = (err: Error | null): void => {
    if (ended) return
    ended = true
    client.destroy()
    up.destroy()
    if (!recorder) {
      h.closed(Promise.resolve())
      return
    }
    h.closed(
      (async () => {
        await tap?.end()
        recorder.end(err)
      })(),
    )
  }
  for (const s of [client, up]) {
    s.on('close', () => end(null))
    s.on('error', (e: Error) => end(e))
  }
  // The client side sees both directions: its reads and its writes count as activity.
  client.setTimeout(h.ctx.config.tunnelIdleTimeoutMs, () => {
    h.ctx.metrics.idleTimeout('upgrade')
    end(null)
  })
}
