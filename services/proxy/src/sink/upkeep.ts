// usage_events' partition upkeep (docs/ARCHITECTURE.md §6), soon after start and then hourly:
// the current month's partition and the next ones exist before a record needs them (a month
// boundary costs the writer nothing), and with TOKENTAP_RETENTION_DAYS every partition whose
// whole month is older than the horizon is dropped with its events' captured bodies — by one
// proxy at a time (pg_try_advisory_lock: the others skip the pass). Rollups, budgets' spend and
// alerts are never touched. The clock is injected; runOnce() is one pass, for tests.

import {
  type DroppedPartition,
  dropPartitionsBefore,
  ensurePartitionsAhead,
  type Month,
  RETENTION_LOCK_KEY,
} from '@tokentap/shared/db'
import type postgres from 'postgres'

const DAY_MS = 86_400_000

export interface UpkeepPass {
  /** Months whose partitions this pass made. */
  made: Month[]
  /** Partitions retention dropped. */
  dropped: DroppedPartition[]
  /** Another proxy held the retention lock: it does the dropping. */
  skipped: boolean
}

export interface PartitionUpkeep {
  runOnce(): Promise<UpkeepPass>
  stop(): void
}

export interface PartitionUpkeepOptions {
  sql: postgres.Sql
  /** TOKENTAP_RETENTION_DAYS; null keeps every event. */
  retentionDays: number | null
  /** Epoch milliseconds. */
  now: () => number
  intervalMs?: number
  firstDelayMs?: number
  onPass?: (pass: UpkeepPass) => void
  onError?: (e: unknown) => void
}

export function startPartitionUpkeep(opts: PartitionUpkeepOptions): PartitionUpkeep {
  const interval = opts.intervalMs ?? 3_600_000
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | null = null

  async function retain(days: number): Promise<Omit<UpkeepPass, 'made'>> {
    const conn = await opts.sql.reserve()
    try {
      const [lock] = await conn<{ ok: boolean }[]>`
        select pg_try_advisory_lock(${RETENTION_LOCK_KEY}::bigint) as ok`
      if (!lock?.ok) return { dropped: [], skipped: true }
      try {
        return {
          dropped: await dropPartitionsBefore(conn, opts.now() - days * DAY_MS),
          skipped: false,
        }
      } finally {
        await conn`select pg_advisory_unlock(${RETENTION_LOCK_KEY}::bigint)`.catch(() => undefined)
      }
    } finally {
      conn.release()
    }
  }

  async function runOnce(): Promise<UpkeepPass> {
    const made = await ensurePartitionsAhead(opts.sql, opts.now())
    if (opts.retentionDays === null) return { made, dropped: [], skipped: false }
    return { made, ...(await retain(opts.retentionDays)) }
  }

  const schedule = (ms: number): void => {
    if (stopped) return
    timer = setTimeout(() => {
      runOnce()
        .then((pass) => opts.onPass?.(pass))
        .catch((e: unknown) => opts.onError?.(e))
        .finally(() => schedule(interval))
    }, ms)
    timer.unref?.()
  }
  schedule(opts.firstDelayMs ?? 60_000)

  return {
    runOnce,
    stop() {
      stopped = true
      if (timer) clearTimeout(timer)
    },
  }
}
