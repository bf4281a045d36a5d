// Fan-out of new usage rows to every SSE subscriber in the process. NOTIFY payloads carry id
// ranges; the hub reads each range once (serially, in arrival order), drops ids it has already
// delivered (several proxy replicas notify interleaved ranges) and hands each new row to every
// subscriber. After a lost LISTEN connection it catches up on rows recorded meanwhile. A
// reprice (rows changed in place) reaches every subscriber that asked for it, after the rows
// queued before it.
// Delivery is synchronous and never waits for a subscriber: each SSE stream keeps its own bounded
// backlog (outbox.ts) and is dropped when its reader falls behind (sse.ts).

import type { EventRow } from '@tokentap/shared/api'
import type { NotifyPayload } from '@tokentap/shared/db'

export interface HubSource {
  /** Rows with firstId <= id <= lastId, oldest first. */
  range(firstId: string, lastId: string, limit: number): Promise<EventRow[]>
  /** Rows recorded at or after sinceMs (a local-clock instant), oldest first. */
  recordedSince(sinceMs: number, limit: number): Promise<EventRow[]>
}

export type Subscriber = (row: EventRow) => void

export interface LiveHub {
  /** `onRepriced`: stored rows changed in place (`tokentap reprice`); figures must be re-read. */
  subscribe(fn: Subscriber, onRepriced?: () => void): () => void
  subscribers(): number
  /** Feed a NOTIFY payload (from the listener). */
  notify(p: NotifyPayload): void
  /** `tokentap reprice` committed a batch (a RepriceNotice from the listener). */
  repriced(): void
  /** LISTEN (re)established; catches up when it had been down. */
  listening(downSinceMs: number | null): void
  /** Resolves when every queued fetch has been delivered. */
  idle(): Promise<void>
}

export interface HubOptions {
  source: HubSource
  onError?: (e: Error) => void
  /** Ids remembered for dedupe (default 50,000). */
  remember?: number
  /** Most rows read per NOTIFY range or catch-up (default 2,000). */
  maxRows?: number
  /** Catch-up reads rows recorded this long before the connection was last known alive. */
  catchUpMarginMs?: number
  /** A read hit maxRows (some rows were not delivered), a catch-up ran, or rows were repriced. */
  onGap?: () => void
}

export function createLiveHub(opts: HubOptions): LiveHub {
  const subs = new Set<Subscriber>()
  const repricedSubs = new Set<() => void>()
  const seen = new Set<string>()
  const remember = opts.remember ?? 50_000
  const maxRows = opts.maxRows ?? 2_000
  const margin = opts.catchUpMarginMs ?? 30_000
  let chain: Promise<void> = Promise.resolve()

  const deliver = (rows: EventRow[]): void => {
    for (const row of rows) {
      if (seen.has(row.id)) continue
      seen.add(row.id)
      if (seen.size > remember) seen.delete(seen.values().next().value as string)
      for (const fn of subs) {
        try {
          fn(row)
        } catch (e) {
          opts.onError?.(e as Error)
        }
      }
    }
  }

  const enqueue = (work: () => Promise<EventRow[]>): void => {
    chain = chain.then(async () => {
      try {
        const rows = await work()
        if (rows.length >= maxRows) opts.onGap?.()
        deliver(rows)
      } catch (e) {
        opts.onError?.(e as Error)
      }
    })
  }

  return {
    subscribe(fn, onRepriced) {
      subs.add(fn)
      if (onRepriced) repricedSubs.add(onRepriced)
      return () => {
        subs.delete(fn)
        if (onRepriced) repricedSubs.delete(onRepriced)
      }
    },
    subscribers: () => subs.size,
    notify(p) {
      enqueue(() => opts.source.range(p.firstId, p.lastId, maxRows))
    },
    repriced() {
      chain = chain.then(() => {
        opts.onGap?.()
        for (const fn of repricedSubs) {
          try {
            fn()
          } catch (e) {
            opts.onError?.(e as Error)
          }
        }
      })
    },
    listening(downSinceMs) {
      if (downSinceMs === null) return
      opts.onGap?.()
      enqueue(() => opts.source.recordedSince(downSinceMs - margin, maxRows))
    },
    idle: () => chain,
  }
}
