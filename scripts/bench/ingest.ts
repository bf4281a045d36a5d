// Ingest benchmark: records/s the Postgres sink sustains (batchSize 500, ~5 s) into a real,
// durable Postgres (embedded with fsync on, or BENCH_DATABASE_URL), with the sink's defaults
// (DEFAULT_VARIANT: two flushes in flight, a backlog flushed in batches of up to 4 × 500). Every
// flush folds the rollup, the session totals and account_limits. `--compare` adds the other
// methods ('copy': binary COPY straight into usage_events + read-back; 'json'; 'values':
// multi-row INSERT) and each method without the larger backlog batches ("b500").
// `bun run scripts/bench/ingest.ts [--duration-ms=N] [--rounds=N] [--compare]` prints one line.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresSink, silentLogger, type WriteMethod } from '@tokentap/proxy'
import { EVENT_COLUMNS, migrateDatabase, postgres, type Sql } from '@tokentap/shared/db'
import { makeRecords, startEmbeddedServer } from '@tokentap/testing'

export interface MethodResult {
  method: WriteMethod
  concurrency: number
  /** The sink's maxBatchSize (a backlog's batches). */
  maxBatchSize: number
  records: number
  seconds: number
  recordsPerSecond: number
  flushes: number
  /** CPU this process spent per 1,000 records (writer + record cloning), ms. */
  cpuMsPer1k: number
  /** Median and p95 of per-batch commit latency. */
  flushMsP50: number
  flushMsP95: number
}

export interface Variant {
  method: WriteMethod
  concurrency: number
  /** Default: the sink's (4 × batchSize). */
  maxBatchSize?: number
}

export interface IngestBenchResult {
  /** Median over rounds for the first variant (the sink's defaults unless told otherwise). */
  recordsPerSecond: number
  method: WriteMethod
  concurrency: number
  batchSize: number
  /** Per variant, the round with the median records/s. */
  runs: MethodResult[]
}

export interface IngestBenchOptions {
  /** Per run (default 5000). */
  durationMs?: number
  batchSize?: number
  /** Default: the sink's defaults only. */
  variants?: Variant[]
  /** Interleaved rounds; each variant reports its median (default 1). */
  rounds?: number
}

export const DEFAULT_VARIANT: Variant = { method: 'json', concurrency: 2 }
export const COMPARE_VARIANTS: Variant[] = [
  DEFAULT_VARIANT,
  { method: 'copy', concurrency: 2 },
  { method: 'values', concurrency: 2 },
  { method: 'json', concurrency: 2, maxBatchSize: 500 },
  { method: 'copy', concurrency: 2, maxBatchSize: 500 },
]

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

async function runMethod(
  sql: Sql,
  { method, concurrency, maxBatchSize }: Variant,
  durationMs: number,
  batchSize: number,
): Promise<MethodResult> {
  await sql`truncate usage_events, usage_rollup_hourly, usage_sessions, account_limits, exchange_bodies`
  const spoolDir = mkdtempSync(join(tmpdir(), 'tokentap-bench-spool-'))
  const latencies: number[] = []
  const sink = createPostgresSink({
    sql,
    spoolDir,
    batchSize,
    intervalMs: 1000,
    method,
    concurrency,
    ...(maxBatchSize === undefined ? {} : { maxBatchSize }),
    log: silentLogger,
    onFlushed: () => {
      const l = sink.metrics().lastFlushLatencyMs
      if (l !== null) latencies.push(l)
    },
  })
  // Keep a few batches waiting so the writer is never idle, without spilling to the spool.
  // Records come from a pre-made pool with fresh ids: the proxy's work is not measured here.
  const pool = makeRecords(5000, { seed: 3, startMs: Date.now(), spanMs: 10_000 })
  const next = (k: number) => ({ ...pool[k % pool.length]!, id: Bun.randomUUIDv7() })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let written = 0
  while (performance.now() - t0 < durationMs) {
    if (sink.pending() >= 10 * batchSize) {
      await Bun.sleep(1)
      continue
    }
    for (let k = 0; k < batchSize; k++) sink.write({ record: next(written + k), bodies: null })
    written += batchSize
  }
  await sink.close()
  const seconds = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  const [row] = await sql<{ n: number }[]>`select count(*)::int as n from usage_events`
  const m = sink.metrics()
  rmSync(spoolDir, { recursive: true, force: true })
  if (row?.n !== written || m.recordsSpooled !== 0) {
    throw new Error(`${method}: wrote ${written}, table has ${row?.n}, spooled ${m.recordsSpooled}`)
  }
  return {
    method,
    concurrency,
    // 'values' is capped by Postgres' 65,535 parameters (the sink's VALUES_MAX_ROWS).
    maxBatchSize: Math.min(
      maxBatchSize ?? 4 * batchSize,
      method === 'values'
        ? Math.floor((65535 - 2) / EVENT_COLUMNS.length)
        : Number.POSITIVE_INFINITY,
    ),
    records: written,
    seconds,
    recordsPerSecond: Math.round(written / seconds),
    flushes: m.flushes,
    cpuMsPer1k: Math.round(((cpu.user + cpu.system) / 1000 / written) * 1000 * 10) / 10,
    flushMsP50: pct(latencies, 50),
    flushMsP95: pct(latencies, 95),
  }
}

export async function runIngestBench(opts: IngestBenchOptions = {}): Promise<IngestBenchResult> {
  const durationMs = opts.durationMs ?? 5000
  const batchSize = opts.batchSize ?? 500
  const external = process.env.BENCH_DATABASE_URL
  const server = external ? null : await startEmbeddedServer({ fast: false })
  const url = external ?? server!.urlFor('postgres')
  const sql = postgres(url, { max: 4, onnotice: () => {} })
  try {
    await migrateDatabase(sql)
    const variants = opts.variants ?? [DEFAULT_VARIANT]
    const all: MethodResult[][] = variants.map(() => [])
    for (let round = 0; round < (opts.rounds ?? 1); round++) {
      for (const [i, v] of variants.entries()) {
        all[i]!.push(await runMethod(sql, v, durationMs, batchSize))
      }
    }
    const runs = all.map((rs) => {
      const sorted = [...rs].sort((a, b) => a.recordsPerSecond - b.recordsPerSecond)
      return sorted[Math.floor(sorted.length / 2)]!
    })
    const main = runs[0]!
    return { ...variants[0]!, recordsPerSecond: main.recordsPerSecond, batchSize, runs }
  } finally {
    await sql.end({ timeout: 1 })
    await server?.destroy()
  }
}

if (import.meta.main) {
  const flag = (name: string): number | undefined => {
    const a = process.argv.find((x) => x.startsWith(`--${name}=`))
    return a ? Number(a.split('=')[1]) : undefined
  }
  const r = await runIngestBench({
    durationMs: flag('duration-ms') ?? 5000,
    rounds: flag('rounds') ?? 1,
    variants: process.argv.includes('--compare') ? COMPARE_VARIANTS : [DEFAULT_VARIANT],
  })
  const detail = r.runs
    .map(
      (m) =>
        `${m.method}×${m.concurrency} b${m.maxBatchSize} ${m.recordsPerSecond}/s ` +
        `(batch p50 ${m.flushMsP50} ms, p95 ${m.flushMsP95} ms, cpu ${m.cpuMsPer1k} ms/1k)`,
    )
    .join('; ')
  process.stdout.write(`ingest: ${r.recordsPerSecond} records/s into Postgres — ${detail}\n`)
}
