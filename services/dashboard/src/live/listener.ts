// The process's one LISTEN connection on tokentap_usage, kept alive: a supervisor loop opens a
// dedicated single-connection client, LISTENs, heartbeats it, and on any loss (Postgres restart,
// network) reconnects with backoff and reports how long it was down so the hub can catch up.
// Besides the writer's id ranges, the channel carries `tokentap reprice`'s notices.

import {
  type NotifyPayload,
  type RepriceNotice,
  type Sql,
  USAGE_CHANNEL,
} from '@tokentap/shared/db'

export interface ListenHandlers {
  /** A notification on any channel: (channel, payload). */
  onnotify: (channel: string, payload: string) => void
  /** The connection closed. */
  onclose: () => void
}

export interface ListenerOptions {
  /** A new dedicated client (max 1 connection) whose notifications and closes reach `h`. */
  open: (h: ListenHandlers) => Sql
  onPayload: (p: NotifyPayload) => void
  /** `tokentap reprice` changed stored rows in place (a RepriceNotice). */
  onRepriced?: () => void
  /** LISTEN is (re)established; `downSinceMs` = last instant the previous connection was known
   *  alive (null on the first connect): rows committed after it may have been missed. */
  onListening: (downSinceMs: number | null) => void
  onError?: (e: Error) => void
  now?: () => number
  heartbeatMs?: number
  /** Backoff between attempts: min(maxBackoffMs, backoffMs * 2^n). */
  backoffMs?: number
  maxBackoffMs?: number
}

export interface UsageListener {
  listening(): boolean
  stop(): Promise<void>
}

/** A reprice's notice ({"repriced": n}), else false. */
export function isRepriceNotice(raw: string): boolean {
  try {
    const p = JSON.parse(raw) as Partial<RepriceNotice> | null
    return typeof p?.repriced === 'number'
  } catch {
    return false
  }
}

export function parsePayload(raw: string): NotifyPayload | null {
  try {
    const p = JSON.parse(raw) as Partial<NotifyPayload>
    if (typeof p.firstId === 'string' && typeof p.lastId === 'string') {
      return { count: Number(p.count ?? 0), firstId: p.firstId, lastId: p.lastId }
    }
  } catch {}
  return null
}

const sleep = (ms: number, signal: { stopped: boolean; wake?: () => void }): Promise<void> =>
  new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.wake = () => {
      clearTimeout(t)
      resolve()
    }
  })

export function startUsageListener(opts: ListenerOptions): UsageListener {
  const now = opts.now ?? Date.now
  const heartbeatMs = opts.heartbeatMs ?? 10_000
  const backoffMs = opts.backoffMs ?? 250
  const maxBackoffMs = opts.maxBackoffMs ?? 5_000
  const state: { stopped: boolean; wake?: () => void } = { stopped: false }
  let isListening = false
  let aliveAt: number | null = null
  let client: Sql | null = null
  let closed: (() => void) | null = null

  const cycle = async (): Promise<void> => {
    const lost = new Promise<void>((resolve) => {
      closed = resolve
    })
    client = opts.open({
      onnotify: (channel, payload) => {
        if (channel !== USAGE_CHANNEL) return
        aliveAt = now()
        const p = parsePayload(payload)
        if (p) opts.onPayload(p)
        else if (isRepriceNotice(payload)) opts.onRepriced?.()
      },
      onclose: () => closed?.(),
    })
    const c = client
    try {
      await c.unsafe(`listen "${USAGE_CHANNEL}"`)
      const downSince = aliveAt
      aliveAt = now()
      isListening = true
      opts.onListening(downSince)
      // Heartbeat: a silent network loss shows up as a failed (or hung) query.
      while (!state.stopped) {
        const tick = sleep(heartbeatMs, state)
        const outcome = await Promise.race([
          lost.then(() => 'lost' as const),
          tick.then(() => 'tick' as const),
        ])
        if (outcome === 'lost' || state.stopped) break
        const ok = await Promise.race([
          c`select 1`.then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), heartbeatMs)),
        ])
        if (!ok) break
        aliveAt = now()
      }
    } finally {
      isListening = false
      closed = null
      await c.end({ timeout: 0 }).catch(() => undefined)
    }
  }

  const loop = async (): Promise<void> => {
    let attempt = 0
    while (!state.stopped) {
      const started = now()
      try {
        await cycle()
      } catch (e) {
        if (!state.stopped) opts.onError?.(e as Error)
      }
      if (state.stopped) break
      // A connection that lived a while resets the backoff.
      attempt = now() - started > heartbeatMs ? 0 : attempt + 1
      await sleep(Math.min(maxBackoffMs, backoffMs * 2 ** Math.min(attempt, 10)), state)
    }
  }
  const done = loop()

  return {
    listening: () => isListening,
    async stop() {
      state.stopped = true
      state.wake?.()
      closed?.()
      await client?.end({ timeout: 0 }).catch(() => undefined)
      await done
    },
  }
}
