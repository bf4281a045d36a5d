// GET /api/stream: Server-Sent Events, one `usage` event (JSON EventRow, `id:` = event id) per
// new record matching the request's filters, and one `repriced` event (data {}) whenever
// `tokentap reprice` changed stored rows (pages re-read their figures). Sends a `retry:` hint, heartbeat comments, and on
// reconnect (Last-Event-ID) the matching rows newer than that id.
// Bounded: at most DASHBOARD_MAX_STREAMS streams (gate.ts; over it 503 + Retry-After), and each
// stream's backlog (outbox.ts) is pulled only as fast as its socket drains: a reader that falls
// too far behind gets a final `event: reconnect` and the stream ends (browsers and `tokentap
// top` reconnect and catch up by Last-Event-ID).

import type { EventRow, Filters } from '@tokentap/shared/api'
import type { Context } from 'hono'
import { isUuid } from '../data/events.ts'
import type { DataAccess } from '../data/types.ts'
import type { StreamGate } from './gate.ts'
import type { LiveHub } from './hub.ts'
import { createOutbox, DEFAULT_OUTBOX_LIMITS, type OutboxLimits } from './outbox.ts'

export interface SseOptions {
  hub: LiveHub
  data: DataAccess
  /** Comment line interval, under the server's idle timeout (default 15 s). */
  heartbeatMs?: number
  /** Reconnect delay suggested to browsers (default 2 s). */
  retryMs?: number
  /** Stream cap and drop record; absent = no cap. */
  gate?: StreamGate | null
  /** How far a reader may fall behind before it is dropped. */
  limits?: OutboxLimits
}

/** Does a live row pass the event-log filters? (Same semantics as data/where.ts.) */
export function matches(row: EventRow, f: Filters): boolean {
  const t = Date.parse(row.startedAt)
  if (t < f.from.getTime() || t >= f.to.getTime()) return false
  for (const d of ['provider', 'model', 'user', 'project', 'program'] as const) {
    const want = f[d]
    if (want !== undefined && (row[d] ?? '') !== want) return false
  }
  if (f.outcome !== undefined && row.outcome !== f.outcome) return false
  if (f.stream !== undefined && row.stream !== f.stream) return false
  if (f.session !== undefined && row.session !== f.session) return false
  return true
}

export function usageEvent(row: EventRow): string {
  return `id: ${row.id}\nevent: usage\ndata: ${JSON.stringify(row)}\n\n`
}

/** Stored rows changed in place (`tokentap reprice`): every figure on the page is stale. */
export const REPRICED_EVENT = 'event: repriced\ndata: {}\n\n'

export const CATCH_UP_LIMIT = 500

/** Seconds a refused stream is told to wait (browsers back off further on their own). */
export const STREAMS_RETRY_AFTER_S = 10

export function reconnectEvent(behind: { events: number; bytes: number }): string {
  const data = { reason: 'too far behind', events: behind.events, bytes: behind.bytes }
  return `event: reconnect\ndata: ${JSON.stringify(data)}\n\n`
}

export function sseResponse(c: Context, f: Filters, opts: SseOptions): Response {
  const release = opts.gate ? opts.gate.acquire() : () => {}
  if (release === null) {
    return c.json(
      { error: 'too_many_streams', message: 'too many live streams are open; retry later' },
      503,
      { 'retry-after': String(STREAMS_RETRY_AFTER_S), 'cache-control': 'no-store' },
    )
  }
  const limits = opts.limits ?? DEFAULT_OUTBOX_LIMITS
  const enc = new TextEncoder()
  const lastEventId = c.req.header('last-event-id')
  const outbox = createOutbox(limits)
  let open = true
  /** Resolves a pull() waiting for the next event. */
  let wake: (() => void) | null = null
  let cleanup = (): void => {}
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        let buffered: EventRow[] | null = lastEventId && isUuid(lastEventId) ? [] : null
        // Rows the browser has (the one it reconnected with) or got from the catch-up: their
        // notify may still arrive live afterwards, and must not repeat them. At most
        // CATCH_UP_LIMIT + 1 ids; rows sent live are deduped by the hub.
        const delivered = new Set<string>(buffered && lastEventId ? [lastEventId] : [])
        const drop = (): void => {
          const behind = { events: outbox.events, bytes: outbox.bytes }
          outbox.clear()
          try {
            controller.enqueue(enc.encode(reconnectEvent(behind)))
          } catch {}
          opts.gate?.dropped(behind)
          cleanup()
        }
        const send = (text: string): void => {
          if (!open) return
          if (!outbox.push(text)) {
            drop()
            return
          }
          const w = wake
          wake = null
          w?.()
        }
        const onRow = (row: EventRow): void => {
          if (!matches(row, f) || delivered.has(row.id)) return
          if (!buffered) send(usageEvent(row))
          else if (buffered.length >= limits.maxEvents) drop()
          else buffered.push(row)
        }
        const unsubscribe = opts.hub.subscribe(onRow, () => send(REPRICED_EVENT))
        const beat = setInterval(() => send(': ping\n\n'), opts.heartbeatMs ?? 15_000)
        cleanup = () => {
          if (!open) return
          open = false
          clearInterval(beat)
          unsubscribe()
          release()
          const w = wake
          wake = null
          w?.()
          try {
            controller.close()
          } catch {}
        }
        c.req.raw.signal.addEventListener('abort', cleanup)
        send(`retry: ${opts.retryMs ?? 2_000}\n: connected\n\n`)
        if (buffered && lastEventId) {
          // Catch up, then release what arrived live meanwhile (deduped by id).
          opts.data
            .eventsAfter(f, lastEventId, CATCH_UP_LIMIT)
            .catch(() => [] as EventRow[])
            .then((rows) => {
              for (const r of rows.reverse()) {
                delivered.add(r.id)
                send(usageEvent(r))
              }
              for (const r of buffered ?? []) if (!delivered.has(r.id)) send(usageEvent(r))
              buffered = null
            })
        }
      },
      // Called only when the consumer wants more (highWaterMark 0): the backlog stays ours.
      pull(controller) {
        const take = (): void => {
          const text = open ? outbox.take() : null
          if (text !== null) controller.enqueue(enc.encode(text))
        }
        if (outbox.events > 0 || !open) return take()
        return new Promise<void>((resolve) => {
          wake = resolve
        }).then(take)
      },
      cancel() {
        cleanup()
      },
    },
    { highWaterMark: 0 },
  )
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  })
}
