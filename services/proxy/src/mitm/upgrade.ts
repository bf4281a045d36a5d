// After a 101: relay both directions byte for byte. For WebSockets on an intercepted host a
// copy of the frames (inflated when permessage-deflate was negotiated) feeds the dialect's
// WebSocket parser; each usage it yields becomes a record. Other upgrades are relayed blind.
// Like blind tunnels, the relay closes after PROXY_TUNNEL_IDLE_TIMEOUT_MS without a byte.

import type {
  ExchangeMeta,
  HeaderMap,
  ParsedUsage,
  ProviderDialect,
  WsExchangeParser,
} from '@tokentap/shared'
import type { Conn } from '../net/conn.ts'
import { relay } from '../tunnel/blind.ts'
import { createWsTap } from '../ws/conversation.ts'
import { parseDeflateExtension } from '../ws/extensions.ts'
import type { ClientPort, ExchangeContext } from './context.ts'
import { type ExchangeLedger, safeSeen } from './record.ts'

export interface UpgradeHooks {
  ctx: ExchangeContext
  client: ClientPort
  upstream: Conn
  responseHeaders: HeaderMap
  dialect: ProviderDialect | null
  meta: ExchangeMeta
  ledger: ExchangeLedger
  /** The relay is over; `records` settles when its last records are emitted. */
  closed(records: Promise<void>): void
}

export function startUpgradeRelay(h: UpgradeHooks, upstreamRest: Buffer): void {
  const client = h.client.socket
  const up = h.upstream
  const isWs = (h.responseHeaders.upgrade ?? '').toLowerCase() === 'websocket'
  const wsParser: WsExchangeParser | null =
    isWs && h.dialect?.createWsParser ? h.dialect.createWsParser(h.meta) : null
  let emitted = 0
  let parseError: string | null = null
  const emit = (usage: ParsedUsage, error: string | null): void => {
    emitted++
    const outcome = error ? 'failed' : 'ok'
    const end = {
      endedAt: h.ctx.now(),
      status: 101,
      outcome,
      error,
      transport: 'websocket',
    } as const
    h.ledger.emit(
      usage,
      end,
      safeSeen(() => wsParser?.seenText?.(usage)),
    )
  }
  const emitAll = (usages: ParsedUsage[]): void => {
    for (const u of usages) emit(u, null)
  }
  const tap =
    isWs && h.dialect
      ? createWsTap({
          deflate: parseDeflateExtension(h.responseHeaders['sec-websocket-extensions']),
          onMessage: (m) => {
            if (wsParser) emitAll(safe(() => wsParser.onMessage(m)))
          },
          onError: (e) => {
            parseError ??= e
          },
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
    h.ledger.requestBytes += c.length
    tap?.client(c)
  }
  const toClient = (c: Buffer): void => {
    h.ledger.responseBytes += c.length
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
    if (!h.dialect) {
      h.closed(Promise.resolve())
      return
    }
    const records = (async () => {
      await tap?.end()
      const rest = wsParser ? safe(() => wsParser.end()) : []
      emitAll(rest)
      if (emitted === 0) {
        emit(
          {
            provider: h.dialect!.provider,
            endpoint: h.meta.path.split('?')[0] ?? h.meta.path,
            usageSource: 'none',
            billable: false,
            parseError,
          },
          err ? err.message : null,
        )
      }
    })()
    h.closed(records)
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

function safe(f: () => ParsedUsage[]): ParsedUsage[] {
  try {
    return f()
  } catch {
    return []
  }
}
