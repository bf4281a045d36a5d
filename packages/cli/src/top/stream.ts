// The live feed: GET /api/stream (SSE), one `event: usage` per new record with an EventRow as
// data. Reconnects after a pause until aborted; reports whether it is connected.

import type { EventRow } from '@tokentap/shared/api'
import type { ApiOptions } from './data.ts'
import { createSseParser } from './sse.ts'

export interface StreamHandlers {
  onEvent(e: EventRow): void
  onLive(live: boolean): void
}

export async function followStream(
  o: ApiOptions,
  h: StreamHandlers,
  signal: AbortSignal,
  retryMs = 2000,
): Promise<void> {
  while (!signal.aborted) {
    try {
      const r = await fetch(`${o.base}/api/stream`, {
        headers: { accept: 'text/event-stream', ...o.headers },
        signal,
      })
      if (r.status === 200 && r.body) {
        h.onLive(true)
        const parser = createSseParser()
        const decoder = new TextDecoder()
        for await (const chunk of r.body) {
          for (const ev of parser.push(decoder.decode(chunk, { stream: true }))) {
            if (ev.event !== 'usage') continue
            try {
              h.onEvent(JSON.parse(ev.data) as EventRow)
            } catch {}
          }
        }
      } else {
        await r.body?.cancel()
      }
    } catch {}
    h.onLive(false)
    if (signal.aborted) return
    await new Promise((resolve) => {
      const t = setTimeout(resolve, retryMs)
      signal.addEventListener('abort', () => {
        clearTimeout(t)
        resolve(undefined)
      })
    })
  }
}
