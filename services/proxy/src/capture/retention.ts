// Retention of captured bodies (TOKENTAP_BODY_RETENTION_DAYS): exchange_bodies rows older than the
// limit are deleted, once soon after start and then hourly, by the proxy that writes them. The
// clock is injected; `prune()` is exposed for tests and runs one pass.

import type postgres from 'postgres'

const DAY_MS = 86_400_000

export interface BodyPruner {
  /** One pass; resolves to the rows deleted (0 when the table is not there yet). */
  prune(): Promise<number>
  stop(): void
}

export interface BodyPrunerOptions {
  sql: postgres.Sql
  retentionDays: number
  /** Epoch milliseconds. */
  now: () => number
  intervalMs?: number
  firstDelayMs?: number
  onError?: (e: unknown) => void
}

export function startBodyPruner(opts: BodyPrunerOptions): BodyPruner {
  const interval = opts.intervalMs ?? 3_600_000
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null
  let running: Promise<number> | null = null

  async function prune(): Promise<number> {
    const cutoff = new Date(opts.now() - opts.retentionDays * DAY_MS).toISOString()
    const rows =
      await opts.sql`delete from exchange_bodies where created_at < ${cutoff}::timestamptz`
    return rows.count
  }

  const schedule = (ms: number): void => {
    if (stopped) return
    timer = setTimeout(() => {
      running = prune()
      running
        .catch((e) => opts.onError?.(e))
        .finally(() => {
          running = null
          schedule(interval)
        })
    }, ms)
    timer.unref?.()
  }
  schedule(opts.firstDelayMs ?? 60_000)

  return {
    prune,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
