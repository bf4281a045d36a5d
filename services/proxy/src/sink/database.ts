// The proxy's Postgres side: connect, migrate (retried in the background while the database is
// unreachable — records spool meanwhile), the batch sink, its metrics, and the periodic jobs
// (captured bodies' retention, usage_events' partition upkeep and retention).

import { connect, migrateDatabase } from '@tokentap/shared/db'
import { startBodyPruner } from '../capture/retention.ts'
import type { ProxyConfig } from '../config.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import { createPostgresSink, type FlushInfo, type PostgresSinkMetrics } from './postgres.ts'
import type { UsageSink } from './sink.ts'
import { startPartitionUpkeep } from './upkeep.ts'

export interface DatabaseSink {
  sink: UsageSink
  /** The writer's queue / spool / degraded figures (the degraded-recording alert reads them). */
  metrics(): PostgresSinkMetrics
  /** After the sink was closed (flushed): stop migrating, close the pool. */
  close(): Promise<void>
}

export function openDatabaseSink(
  config: ProxyConfig,
  url: string,
  log: Logger,
  metrics: ProxyMetrics,
  /** After each committed flush (the budget evaluator); must not block or throw. */
  onFlushed?: (info: FlushInfo) => void,
  /** PROXY_WORKERS: this worker's spool, and whether it runs the upkeep (body retention,
   *  partitions ahead, TOKENTAP_RETENTION_DAYS) that one process does for all (default:
   *  TOKENTAP_HOME/spool, yes). */
  role: { spoolDir?: string; upkeep?: boolean } = {},
): DatabaseSink {
  const { sql } = connect(url, { max: 4, applicationName: 'tokentap-proxy' })
  let stopped = false
  let retry: ReturnType<typeof setTimeout> | null = null
  const migrate = (delayMs: number): void => {
    migrateDatabase(sql, { log: (m) => log.info(m) }).catch((e: Error) => {
      if (stopped) return
      log.warn(`database not ready (${e.message}); records are spooled, retrying in ${delayMs} ms`)
      retry = setTimeout(() => migrate(Math.min(delayMs * 2, 60_000)), delayMs)
    })
  }
  migrate(1000)
  // Captured bodies expire (a cheap no-op when capture was never on).
  const runsUpkeep = role.upkeep ?? true
  const pruner = runsUpkeep
    ? startBodyPruner({
        sql,
        retentionDays: config.bodyRetentionDays,
        now: Date.now,
        onError: (e) => log.warn(`exchange_bodies retention: ${(e as Error).message ?? String(e)}`),
      })
    : null
  // Partitions for the months ahead; TOKENTAP_RETENTION_DAYS: whole expired months dropped.
  // (Each worker's writer still makes a month a row needs on the spot, partitions.ts.)
  const upkeep = runsUpkeep
    ? startPartitionUpkeep({
        sql,
        retentionDays: config.retentionDays,
        now: Date.now,
        onPass: ({ made, dropped }) => {
          if (made.length > 0) log.info(`usage_events: partitions made for ${made.join(', ')}`)
          for (const d of dropped) {
            log.info(`usage_events retention: dropped ${d.month} and ${d.bodies} captured bodies`)
          }
        },
        onError: (e) => log.warn(`usage_events upkeep: ${(e as Error).message ?? String(e)}`),
      })
    : null
  const pg = createPostgresSink({
    sql,
    spoolDir: role.spoolDir ?? `${config.home}/spool`,
    batchSize: config.batchSize,
    intervalMs: config.batchIntervalMs,
    log,
    ...(onFlushed ? { onFlushed } : {}),
  })
  const m = () => pg.metrics()
  metrics.gauge('tokentap_db_queue_depth', 'Records waiting for Postgres.', () => m().queueDepth)
  metrics.gauge('tokentap_spool_bytes', 'Bytes in the disk spool.', () => m().spoolBytes)
  metrics.gauge('tokentap_db_degraded', '1 while Postgres is unreachable.', () =>
    m().degraded ? 1 : 0,
  )
  metrics.gauge(
    'tokentap_flush_latency_ms',
    'Last batch flush latency.',
    () => m().lastFlushLatencyMs ?? 0,
  )
  metrics.gauge(
    'tokentap_records_written',
    'Records committed to Postgres.',
    () => m().recordsWritten,
  )
  metrics.gauge(
    'tokentap_records_spooled',
    'Records written to the spool.',
    () => m().recordsSpooled,
  )
  metrics.gauge('tokentap_records_dropped', 'Records lost (must stay 0).', () => m().recordsDropped)
  return {
    sink: pg,
    metrics: m,
    async close() {
      stopped = true
      pruner?.stop()
      upkeep?.stop()
      if (retry) clearTimeout(retry)
      await sql.end({ timeout: 5 })
    },
  }
}
