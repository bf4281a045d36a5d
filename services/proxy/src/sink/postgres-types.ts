// Options, metrics and flush-report types of the Postgres sink (postgres.ts).

import type postgres from 'postgres'
import type { Logger } from '../log.ts'
import type { WriteMethod } from './pg-write.ts'
import type { UsageSink } from './sink.ts'

export interface FlushInfo {
  /** Rows newly inserted by this flush (replayed duplicates are not counted). */
  count: number
  /** Smallest and largest inserted id (UUIDv7: oldest and newest). */
  firstId: string
  lastId: string
}

export interface PostgresSinkOptions {
  sql: postgres.Sql
  spoolDir: string
  /** BATCH_SIZE: flush as soon as this many records wait (default 500). */
  batchSize?: number
  /** BATCH_INTERVAL_MS: flush whatever waits this often (default 200, so a dashboard sees a record within a second). */
  intervalMs?: number
  /** A backlog (two batches or more waiting) flushes up to this many records at once (default
   *  4 × batchSize): under load, fewer and larger transactions cost Postgres less per record. */
  maxBatchSize?: number
  /** Records held in memory before spilling to the spool (default 20 × batchSize). */
  maxQueue?: number
  /** Flushes in flight at once, each its own transaction (default 2). */
  concurrency?: number
  /** How batches travel (default 'json': one statement, so a connection lost mid-flush only
   *  fails that statement. 'copy' measures faster (scripts/bench/ingest.ts) but spans several
   *  statements on one connection, and postgres.js 3.4 throws an uncaught TypeError when that
   *  connection dies mid-COPY (it writes to the socket it has just set to null): not the
   *  default until that is handled). */
  method?: WriteMethod
  /** Replay backoff: first retry after retryMinMs, doubling up to retryMaxMs. */
  retryMinMs?: number
  retryMaxMs?: number
  /** A flush still unanswered after this long is spooled (replay is idempotent). */
  flushTimeoutMs?: number
  now?: () => number
  log: Logger
  /** After each committed flush or replayed chunk that inserted rows (the NOTIFY payload). */
  onFlushed?: (info: FlushInfo) => void
}

export interface PostgresSinkMetrics {
  /** Records waiting in memory (queue, batches in flight, spill buffer). */
  queueDepth: number
  spoolBytes: number
  spoolFiles: number
  /** True while Postgres is considered down (batches go straight to the spool). */
  degraded: boolean
  lastFlushLatencyMs: number | null
  flushes: number
  /** Records committed to Postgres (flushes and replays, duplicates included). */
  recordsWritten: number
  /** Of those, rows that were new. */
  recordsInserted: number
  recordsSpooled: number
  recordsReplayed: number
  /** Set aside in corrupt-<ts>.jsonl (unreadable spool lines, records Postgres refuses). */
  recordsCorrupt: number
  /** Always 0: the sink never drops. */
  recordsDropped: number
}

export interface PostgresSink extends UsageSink {
  /** Flush everything queued now (to Postgres, or the spool when it is down). */
  flush(): Promise<void>
  metrics(): PostgresSinkMetrics
}
