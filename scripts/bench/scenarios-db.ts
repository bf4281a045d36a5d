// Database scenarios: (g) records/s the Postgres batch writer sustains (ingest.ts), and (h) the
// scenario-a measurement (keep-alive small JSON, c=1) against two extra proxies in the same
// run — one whose DATABASE_URL is a live embedded Postgres, one whose DATABASE_URL is a closed
// port — plus the DB-down proxy's spool growth (/metrics tokentap_records_spooled).
// In the table, h's "direct" column is the DB-up proxy and "proxied" the DB-down proxy.

import { readFileSync } from 'node:fs'
import { migrateDatabase, postgres } from '@tokentap/shared/db'
import { freePort, startEmbeddedServer } from '@tokentap/testing'
import { type Child, spawnChild } from './children.ts'
import type { Route } from './http-client.ts'
import { runIngestBench } from './ingest.ts'
import { type RoundRecord, runScenario, type Setup } from './runner.ts'
import { type Scenario, scenarioA } from './scenarios-keepalive.ts'

export interface DbScenarioCtx {
  setup: Setup
  rounds: number
  log: (line: string) => void
  /** Rounds are appended as they finish, so an abort keeps what was measured. */
  records: RoundRecord[]
}

export interface DbScenario {
  id: string
  title: string
  run(ctx: DbScenarioCtx): Promise<void>
}

/** One summary record (no CPU/RSS window) carrying `values`. */
function record(
  scenario: string,
  mode: RoundRecord['mode'],
  values: Record<string, number>,
): RoundRecord {
  return {
    scenario,
    mode,
    round: 0,
    out: { values, requests: 0, errors: 0, errorSamples: [] },
    measure: null,
    proxyRecords: null,
  }
}

export const scenarioG: DbScenario = {
  id: 'g',
  title: 'ingestion into Postgres (batch writer, durable embedded Postgres)',
  async run({ setup, rounds, log, records }) {
    const t0 = performance.now()
    const r = await runIngestBench({ durationMs: setup.opts.quick ? 2000 : 5000, rounds })
    const m = r.runs[0]
    records.push(
      record('g', 'proxy', {
        recordsPerSecond: r.recordsPerSecond,
        flushMsP50: m?.flushMsP50 ?? Number.NaN,
        flushMsP95: m?.flushMsP95 ?? Number.NaN,
        cpuMsPer1k: m?.cpuMsPer1k ?? Number.NaN,
      }),
    )
    log(
      `  g ${r.method}×${r.concurrency} batch ${r.batchSize}: ${r.recordsPerSecond} records/s, ` +
        `${m?.records ?? 0} records in ${m?.seconds.toFixed(1) ?? '?'} s, flush p50 ` +
        `${m?.flushMsP50 ?? '?'} ms p95 ${m?.flushMsP95 ?? '?'} ms, cpu ${m?.cpuMsPer1k ?? '?'} ` +
        `ms/1k (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    )
  },
}

const MiB = 2 ** 20

/** A gauge or counter from the proxy's /metrics (NaN when unreadable). */
async function metric(port: number, name: string): Promise<number> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(text)
    return m ? Number(m[1]) : Number.NaN
  } catch {
    return Number.NaN
  }
}

async function stopChild(c: Child): Promise<void> {
  if (c.exitCode() !== null) return
  process.kill(c.pid, 'SIGTERM')
  for (let i = 0; i < 100 && c.exitCode() === null; i++) await Bun.sleep(20)
  if (c.exitCode() === null) process.kill(c.pid, 'SIGKILL')
}

const proxyRoute = (c: Child): Route => ({
  mode: 'proxy',
  port: c.info.port,
  ca: readFileSync(c.info.caPath, 'utf8'),
})

/** Scenario a, on whichever proxy the route names. */
const latencyC1: Scenario = { id: 'h', title: scenarioA.title, run: (ctx) => scenarioA.run(ctx) }

export const scenarioH: DbScenario = {
  id: 'h',
  title: 'proxy latency while the database is down (d = DB-up proxy, p = DB-down proxy), c=1',
  async run({ setup, rounds, log, records }) {
    const server = await startEmbeddedServer({ fast: true })
    const children: Child[] = []
    try {
      const url = server.urlFor('postgres')
      const sql = postgres(url, { max: 2, onnotice: () => {} })
      await migrateDatabase(sql).finally(() => sql.end({ timeout: 1 }))
      const closed = `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`
      const args = [String(setup.upstream.info.port), setup.upstream.info.caPath]
      const up = await spawnChild('proxy-db-up', 'proxy-process.ts', [...args, url])
      children.push(up)
      const down = await spawnChild('proxy-db-down', 'proxy-process.ts', [...args, closed])
      children.push(down)
      log(
        `  h: DB-up proxy pid ${up.pid} :${up.info.port} (postgres :${server.port}), ` +
          `DB-down proxy pid ${down.pid} :${down.info.port} (DATABASE_URL → closed port); ` +
          `"direct" rows = DB-up proxy (its CPU and Postgres count as "other"), "proxy" rows = DB-down`,
      )
      const hSetup: Setup = {
        ...setup,
        proxy: down,
        routes: { direct: proxyRoute(up), proxy: proxyRoute(down) },
      }
      await runScenario(hSetup, latencyC1, rounds, log, records)
      // Let the last batches flush (default BATCH_INTERVAL_MS 200) before reading the writers.
      await Bun.sleep(1300)
      const read = async (c: Child) => ({
        spooled: await metric(c.info.port, 'tokentap_records_spooled'),
        written: await metric(c.info.port, 'tokentap_records_written'),
        spoolBytes: await metric(c.info.port, 'tokentap_spool_bytes'),
        degraded: await metric(c.info.port, 'tokentap_db_degraded'),
        dropped: await metric(c.info.port, 'tokentap_records_dropped'),
      })
      const u = await read(up)
      const d = await read(down)
      // Totals over the scenario, on its last round of each proxy (medians then take just them).
      for (const [mode, x] of [['direct', u] as const, ['proxy', d] as const]) {
        const last = records.findLast((r) => r.scenario === 'h' && r.mode === mode)
        if (last)
          Object.assign(last.out.values, { spooled: x.spooled, spoolMb: x.spoolBytes / MiB })
      }
      const show = (x: typeof u): string =>
        `written ${x.written}, spooled ${x.spooled} (${(x.spoolBytes / 1024).toFixed(0)} KiB), ` +
        `degraded ${x.degraded}, dropped ${x.dropped}`
      log(`  h writers: DB-up proxy ${show(u)}; DB-down proxy ${show(d)}`)
    } finally {
      for (const c of children) await stopChild(c)
      await server.destroy()
    }
  },
}

export const DB_SCENARIOS: DbScenario[] = [scenarioG, scenarioH]
