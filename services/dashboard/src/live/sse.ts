// GET /api/stream: Server-Sent Events, one `usage` event (JSON EventRow, `id:` = event id) per
// new record matching the request's filters. Sends a `retry:` hint, heartbeat comments, and on
// reconnect (Last-Event-ID) the matching rows newer than that id.

import type { Context } from 'hono'
import { isUuid } from '../data/events.ts'
import type { DataAccess, EventRow, Filters } from '../data/types.ts'
import type { LiveHub } from './hub.ts'

export interface SseOptions {
  hub: LiveHub
  data: DataAccess
  /** Comment line interval, under the server's idle timeout (default 15 s). */
  heartbeatMs?: number
  /** Reconnect delay suggested to browsers (default 2 s). */
  retryMs?: number
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
  return true
}

export function usageEvent(row: EventRow): string {
  return `id: ${row.id}\nevent: usage\ndata: ${JSON.stringify(row)}\n\n`
}

export const CATCH_UP_LIMIT = 500

export function sseResponse(c: Context, f: Filters, opts: SseOptions): Response {
  const enc = new TextEncoder()
  const lastEventId = c.req.header('last-event-id')
  let cleanup = (): void => {}
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true
      let buffered: EventRow[] | null = lastEventId && isUuid(lastEventId) ? [] : null
      // Rows the browser has (the one it reconnected with) or got from the catch-up: their
      // notify may still arrive live afterwards, and must not repeat them. At most
      // CATCH_UP_LIMIT + 1 ids; rows sent live are deduped by the hub.
      const delivered = new Set<string>(buffered && lastEventId ? [lastEventId] : [])
      const send = (text: string): void => {
        if (!open) return
        try {
          controller.enqueue(enc.encode(text))
        } catch {
          cleanup()
        }
      }
      const onRow = (row: EventRow): void => {
        if (!matches(row, f) || delivered.has(row.id)) return
        if (buffered) buffered.push(row)
        else send(usageEvent(row))
      }
      const unsubscribe = opts.hub.subscribe(onRow)
      const beat = setInterval(() => send(': ping\n\n'), opts.heartbeatMs ?? 15_000)
      cleanup = () => {
        if (!open) return
        open = false
        clearInterval(beat)
        unsubscribe()
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
    cancel() {
      cleanup()
    },
  })
  return new Response(body, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    },
  })
}
