// Scenario i: dashboard response times over a large seeded store. An embedded Postgres gets
// TOKENTAP_BENCH_DASHBOARD_ROWS usage_events (default 10M; 1M with --quick) generated in SQL
// (dashboard-seed.ts), the dashboard app serves it on loopback (read-only pool, as in
// production), and this process requests pages one at a time (c=1): the overview (7 and 30
// days), the event log (first page, a filtered page, a cursor page 45 days deep), the sessions
// (list for 7 and 30 days, the busiest session's page, its event log) and the JSON API,
// interleaved with a baseline (/api/health: routing, auth-free, one `select 1`). Each page's
// p50/p95 are reported next to the baseline's, with the issue's target p95 ≤ 50 ms.

import { migrateDatabase, postgres } from '@tokentap/shared/db'
import { startEmbeddedServer } from '@tokentap/testing'
import { type DashboardHandle, startBenchDashboard } from './dashboard-app.ts'
import { seedDashboardData } from './dashboard-seed.ts'
import type { SummaryRow } from './report.ts'
import type { RoundRecord } from './runner.ts'
import type { DbScenario } from './scenarios-db.ts'
import { percentile } from './stats.ts'

export const DASHBOARD_ROWS_VAR = 'TOKENTAP_BENCH_DASHBOARD_ROWS'
const TARGET_P95_MS = 50
const DAYS = 90

interface Target {
  key: TargetKey
  path: string
  /** JSON API: sent with the bearer key. */
  api?: true
}

/** What is measured, in report order (paths are built in run(): they need the seeded data). */
const LABELS = {
  overview7d: 'overview 7d',
  overview30d: 'overview 30d',
  events: 'event log, first page',
  eventsFiltered: 'event log, filtered',
  eventsDeep: 'event log, cursor 45 d back',
  apiSummary: 'API /api/summary 30d',
  apiBreakdown: 'API /api/breakdown model 30d',
  apiEvents: 'API /api/events',
  sessions7d: 'sessions 7d',
  sessions30d: 'sessions 30d',
  sessionPage: 'session page (busiest)',
  sessionEvents: 'event log, one session',
  apiSessions: 'API /api/sessions 30d',
  baseline: 'baseline /api/health',
} as const
type TargetKey = keyof typeof LABELS

function rowCount(quick: boolean): number {
  const raw = process.env[DASHBOARD_ROWS_VAR]
  if (raw === undefined || raw === '') return quick ? 1_000_000 : 10_000_000
  const n = Number(raw.replaceAll('_', ''))
  if (!Number.isInteger(n) || n < 1000) {
    throw new Error(`${DASHBOARD_ROWS_VAR}: expected an integer ≥ 1000, got "${raw}"`)
  }
  return n
}

async function timeOne(d: DashboardHandle, t: Target): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(`${d.url}${t.path}`, {
    headers: t.api ? { authorization: `Bearer ${d.apiKey}` } : { cookie: d.cookie },
  })
  await res.arrayBuffer()
  const ms = performance.now() - t0
  if (res.status !== 200) throw new Error(`${t.path} answered ${res.status}`)
  return ms
}

/** The id and span of the session with the most requests in the last 30 days. */
async function busiestSession(
  d: DashboardHandle,
): Promise<{ session: string; firstAt: string; lastAt: string }> {
  const res = await fetch(`${d.url}/api/sessions?range=30d&sort=requests&limit=1`, {
    headers: { authorization: `Bearer ${d.apiKey}` },
  })
  const body = (await res.json()) as {
    sessions?: { session: string; firstAt: string; lastAt: string }[]
  }
  const s = body.sessions?.[0]
  if (!s) throw new Error('no session in the seeded data')
  return s
}

/** The cursor of the first page of an event-log range ending 45 days ago (a deep position). */
async function deepCursor(d: DashboardHandle, range: string): Promise<string> {
  const res = await fetch(`${d.url}/api/events?${range}&limit=50`, {
    headers: { authorization: `Bearer ${d.apiKey}` },
  })
  const body = (await res.json()) as { nextCursor?: string | null }
  if (!body.nextCursor) throw new Error('no cursor for the deep event-log page')
  return body.nextCursor
}

export const scenarioI: DbScenario = {
  id: 'i',
  title: 'dashboard over N seeded events (c=1; "direct" = /api/health baseline)',
  async run({ setup, rounds, log, records }) {
    const quick = setup.opts.quick
    const rows = rowCount(quick)
    const server = await startEmbeddedServer({
      fast: true,
      settings: {
        shared_buffers: '512MB',
        work_mem: '64MB',
        maintenance_work_mem: '512MB',
        max_wal_size: '8GB',
        checkpoint_timeout: '30min',
      },
    })
    let dash: DashboardHandle | null = null
    try {
      const url = server.urlFor('postgres')
      const sql = postgres(url, { max: 2, onnotice: () => {} })
      try {
        await migrateDatabase(sql)
        log(`  i: seeding ${rows.toLocaleString('en-US')} usage_events over ${DAYS} days…`)
        let last = 0
        const seeded = await seedDashboardData(sql, {
          rows,
          days: DAYS,
          end: new Date(),
          log: (l) => {
            if (performance.now() - last > 10_000) {
              last = performance.now()
              log(l)
            }
          },
        })
        const s = seeded.seconds
        log(
          `  i: seeded ${rows.toLocaleString('en-US')} events + ${seeded.rollupRows.toLocaleString('en-US')} rollup rows in ${s.total.toFixed(0)} s ` +
            `(insert ${s.insert.toFixed(0)} s, rollup ${s.rollup.toFixed(0)} s, indexes ${s.indexes.toFixed(0)} s, vacuum analyze ${s.vacuum.toFixed(0)} s)`,
        )
        records.push(seedRecord(rows, seeded.rollupRows, s.total))
      } finally {
        await sql.end({ timeout: 1 })
      }

      dash = await startBenchDashboard(url)
      const now = Date.now()
      const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')
      const deepRange = `from=${iso(now - DAYS * 86_400_000)}&to=${iso(now - 45 * 86_400_000)}`
      const cursor = encodeURIComponent(await deepCursor(dash, deepRange))
      const busiest = await busiestSession(dash)
      const sessionId = encodeURIComponent(busiest.session)
      const sessionSpan = `from=${busiest.firstAt.slice(0, 16)}Z&to=${iso(Date.parse(busiest.lastAt) + 60_000)}`
      const targets: Target[] = [
        { key: 'overview7d', path: '/' },
        { key: 'overview30d', path: '/?range=30d' },
        { key: 'events', path: '/events' },
        {
          key: 'eventsFiltered',
          path: '/events?range=30d&user=user-7&model=gpt-5&outcome=ok',
        },
        {
          key: 'eventsDeep',
          path: `/events?${deepRange}&cursor=${cursor}`,
        },
        { key: 'apiSummary', path: '/api/summary?range=30d', api: true },
        {
          key: 'apiBreakdown',
          path: '/api/breakdown?by=model&range=30d',
          api: true,
        },
        { key: 'apiEvents', path: '/api/events', api: true },
        { key: 'sessions7d', path: '/sessions' },
        { key: 'sessions30d', path: '/sessions?range=30d' },
        { key: 'sessionPage', path: `/sessions/${sessionId}` },
        { key: 'sessionEvents', path: `/events?${sessionSpan}&session=${sessionId}` },
        { key: 'apiSessions', path: '/api/sessions?range=30d', api: true },
      ]
      const baseline: Target = { key: 'baseline', path: '/api/health' }
      const perRound = quick ? 20 : 60
      // A slow page must not stall the bench: each batch stops after this long (≥ 5 samples).
      const batchBudgetMs = quick ? 10_000 : 30_000
      const samples = new Map<string, number[]>()
      const all = [baseline, ...targets]
      log(`  i: measuring ${all.length} targets, ${rounds} round(s) of ≤ ${perRound} requests each`)
      for (const t of all) {
        samples.set(t.key, [])
        for (let i = 0; i < 3; i++) await timeOne(dash, t) // warm-up: plans, caches
      }
      for (let r = 0; r < rounds; r++) {
        // Interleave: baseline before each target's batch, so drifts in load hit both.
        for (const t of targets) {
          for (const x of [baseline, t]) {
            const end = performance.now() + batchBudgetMs
            for (let i = 0; i < perRound && (i < 5 || performance.now() < end); i++) {
              samples.get(x.key)!.push(await timeOne(dash, x))
            }
          }
        }
      }
      const values: Record<string, number> = {}
      for (const t of all) {
        const xs = samples.get(t.key)!
        values[`${t.key}.p50`] = percentile(xs, 50)
        values[`${t.key}.p95`] = percentile(xs, 95)
        values[`${t.key}.n`] = xs.length
      }
      records.push({
        scenario: 'i',
        mode: 'proxy',
        round: 0,
        out: { values, requests: 0, errors: 0, errorSamples: [] },
        measure: null,
        proxyRecords: null,
      })
      for (const t of all) {
        log(
          `  i ${LABELS[t.key].padEnd(30)} p50 ${values[`${t.key}.p50`]!.toFixed(2)} ms  ` +
            `p95 ${values[`${t.key}.p95`]!.toFixed(2)} ms  (n=${values[`${t.key}.n`]})`,
        )
      }
    } finally {
      await dash?.close()
      await server.destroy()
    }
  },
}

function seedRecord(rows: number, rollupRows: number, seconds: number): RoundRecord {
  return {
    scenario: 'i',
    mode: 'direct',
    round: 0,
    out: {
      values: { rows, rollupRows, seedSeconds: seconds },
      requests: 0,
      errors: 0,
      errorSamples: [],
    },
    measure: null,
    proxyRecords: null,
  }
}

/** Summary rows for the bench table: per target p50 (info) and p95 (target ≤ 50 ms), with the
 *  baseline's figure in the "direct" column. */
export function dashboardRows(records: RoundRecord[], title: string): SummaryRow[] {
  const rec = records.find((r) => r.scenario === 'i' && r.mode === 'proxy')
  if (!rec) return []
  const seed = records.find((r) => r.scenario === 'i' && r.mode === 'direct')
  const v = rec.out.values
  const nan = { direct: Number.NaN, proxied: Number.NaN }
  const rows: SummaryRow[] = []
  const seedRows = seed?.out.values.rows
  const fullTitle = seedRows ? title.replace('N', seedRows.toLocaleString('en-US')) : title
  for (const [key, label] of Object.entries(LABELS)) {
    if (key === 'baseline' || v[`${key}.p95`] === undefined) continue
    for (const p of ['p50', 'p95'] as const) {
      const value = v[`${key}.${p}`] ?? Number.NaN
      const target = p === 'p95' ? TARGET_P95_MS : null
      rows.push({
        scenario: 'i',
        title: fullTitle,
        metric: `${label} ${p} ms`,
        direct: v[`baseline.${p}`] ?? Number.NaN,
        proxied: value,
        kind: 'proxied',
        derived: value,
        target,
        pass: target === null || !Number.isFinite(value) ? null : value <= target,
        genCpuPct: nan,
        upstreamCpuPct: nan,
        proxyCpuPct: Number.NaN,
        otherCpuPctMax: Number.NaN,
        proxyPeakRssMb: Number.NaN,
        proxyStartRssMb: Number.NaN,
        errors: { direct: 0, proxied: 0 },
      })
    }
  }
  return rows
}
