// Live wiring for one process: the LISTEN connection (listener.ts) feeding the fan-out hub
// (hub.ts), whose rows come from usage_events through the pool. main.ts starts it; app.ts serves
// it as /api/stream (sse.ts).

import { postgres, type Sql } from '@tokentap/shared/db'
import { eventsInIdRange, eventsRecordedSince } from '../data/events.ts'
import { createLiveHub, type HubSource, type LiveHub } from './hub.ts'
import { type ListenerOptions, startUsageListener, type UsageListener } from './listener.ts'

export type { LiveHub } from './hub.ts'

/** Long-running streams commit late: catch-up looks this far back in started_at. */
export const CATCH_UP_STARTED_WINDOW_MS = 30 * 60_000

export function hubSource(sql: Sql): HubSource {
  return {
    range: (first, last, limit) => eventsInIdRange(sql, first, last, limit),
    recordedSince: (sinceMs, limit) =>
      eventsRecordedSince(
        sql,
        new Date(sinceMs).toISOString(),
        new Date(sinceMs - CATCH_UP_STARTED_WINDOW_MS).toISOString(),
        limit,
      ),
  }
}

/** A dedicated one-connection client for LISTEN on `url`. */
export function listenClient(url: string, applicationName: string): ListenerOptions['open'] {
  return (h) =>
    postgres(url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      connect_timeout: 5,
      fetch_types: false,
      onnotice: () => {},
      connection: { application_name: applicationName, default_transaction_read_only: true },
      onclose: () => h.onclose(),
      // postgres.js supports onnotify (channel, payload) but its typings omit it.
      ...({ onnotify: h.onnotify } as object),
    })
}

export interface Live {
  hub: LiveHub
  listener: UsageListener
  stop(): Promise<void>
}

export function startLive(opts: {
  sql: Sql
  open: ListenerOptions['open']
  onError?: (e: Error) => void
  /** Rows may have been missed (reconnect, oversized batch) or changed in place (a reprice):
   *  caches must drop what they hold. */
  onGap?: () => void
  heartbeatMs?: number
}): Live {
  const hub = createLiveHub({
    source: hubSource(opts.sql),
    ...(opts.onError ? { onError: opts.onError } : {}),
    ...(opts.onGap ? { onGap: opts.onGap } : {}),
  })
  const listener = startUsageListener({
    open: opts.open,
    onPayload: (p) => hub.notify(p),
    onRepriced: () => hub.repriced(),
    onListening: (downSince) => {
      opts.onGap?.()
      hub.listening(downSince)
    },
    ...(opts.onError ? { onError: opts.onError } : {}),
    ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
  })
  return {
    hub,
    listener,
    async stop() {
      await listener.stop()
      await hub.idle()
    },
  }
}
