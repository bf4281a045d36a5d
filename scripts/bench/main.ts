// `bun run bench [--quick] [--only=a,b] [--rounds=N] [--duration-ms=N] [--streams=N]
// [--idle-streams=N] [--ramp-ms=N] [--hold-ms=N] [--quiet-wait-ms=N] [--workers=N]`: proxy vs
// direct in the same run (a–f, j: a connection storm, k: idle streams — scenarios-crowd.ts;
// --workers: the proxy under test runs N worker processes, as PROXY_WORKERS=N; g and h,
// scenarios-db.ts: Postgres ingestion, and a DB-up vs a DB-down proxy; i, dashboard.ts: page and
// API response times over TOKENTAP_BENCH_DASHBOARD_ROWS seeded events, default 10M). Spawns the
// mock upstream and the proxy as separate processes, generates load from this process over raw
// TLS sockets, prints a table (medians over interleaved rounds) and writes
// test-output/bench.json. Before each round it waits (up to --quiet-wait-ms in total) for other
// processes to leave the CPUs alone; what they still used shows as "other CPU%".

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { join } from 'node:path'
import { installCleanup, spawnChild, stopChildren } from './children.ts'
import { dashboardRows, scenarioI } from './dashboard.ts'
import { type Mode, type Route, setResponseTimeout } from './http-client.ts'
import type { BenchOptions } from './load.ts'
import { fdLimit } from './procstat.ts'
import { renderRecords, renderTable, summarize } from './report.ts'
import { type RoundRecord, runScenario, type Setup } from './runner.ts'
import { idleStreamCount, scenarioJ, scenarioK } from './scenarios-crowd.ts'
import { DB_SCENARIOS as DB_ONLY } from './scenarios-db.ts'
import { scenarioA, scenarioB, scenarioC, scenarioF } from './scenarios-keepalive.ts'
import { calibrateClock, scenarioD, scenarioE } from './scenarios-stream.ts'

const SCENARIOS = [
  scenarioA,
  scenarioB,
  scenarioC,
  scenarioD,
  scenarioE,
  scenarioF,
  scenarioJ,
  scenarioK,
]
/** Scenarios with their own run(): Postgres ingestion (g, h) and the dashboard (i). */
const DB_SCENARIOS = [...DB_ONLY, scenarioI]
const ALL_IDS = [...SCENARIOS, ...DB_SCENARIOS].map((s) => s.id)

/** A bad command line or environment: reported without a stack. */
class UsageError extends Error {}

type Options = BenchOptions & {
  durationMs: number
  warmupMs: number
  quietWaitMs: number
  workers: number
}

function parseArgs(argv: string[]): Options {
  const flags = new Map<string, string>()
  for (const a of argv) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a)
    if (!m) throw new UsageError(`unknown argument ${a}`)
    flags.set(m[1]!, m[2] ?? '')
  }
  const known = [
    'quick',
    'only',
    'rounds',
    'duration-ms',
    'streams',
    'idle-streams',
    'ramp-ms',
    'hold-ms',
    'quiet-wait-ms',
    'workers',
  ]
  for (const k of flags.keys()) if (!known.includes(k)) throw new UsageError(`unknown flag --${k}`)
  const quick = flags.has('quick')
  const int = (name: string, dflt: number, min = 1): number => {
    const v = flags.get(name)
    if (v === undefined) return dflt
    const n = Number(v)
    if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} wants an integer ≥ ${min}`)
    return n
  }
  const only = flags.get('only')
  const ids = only ? new Set(only.split(',').map((s) => s.trim().toLowerCase())) : null
  for (const id of ids ?? []) {
    if (!ALL_IDS.includes(id)) throw new UsageError(`--only: no scenario "${id}"`)
  }
  const rampMs = int('ramp-ms', 4000)
  return {
    quick,
    only: ids,
    rounds: int('rounds', quick ? 1 : 3),
    durationMs: int('duration-ms', quick ? 1000 : 2000),
    warmupMs: quick ? 200 : 300,
    streams: int('streams', 1000),
    idleStreams: int('idle-streams', quick ? 2000 : 10_000),
    rampMs,
    holdMs: int('hold-ms', rampMs + 1000),
    quietWaitMs: int('quiet-wait-ms', quick ? 10_000 : 20_000, 0),
    workers: int('workers', 1),
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2))
  // Loopback only: never let fetch (used for /metrics) go through a configured proxy.
  for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete process.env[v]
  installCleanup()
  // A hang detector only: longer than any scenario's streams (j: 20 s after a storm's opening;
  // k: held through the opening of every stream).
  setResponseTimeout(Math.max(60_000, opts.rampMs + opts.holdMs + 15_000))
  const log = (line: string): void => {
    process.stdout.write(`${line}\n`)
  }
  const selected = SCENARIOS.filter((s) => !opts.only || opts.only.has(s.id))
  const ownFds = fdLimit('self')
  const crowded = selected.some((s) => s.id === 'e' || s.id === 'j')
  if (crowded && ownFds !== null && ownFds < opts.streams + 200) {
    throw new UsageError(
      `ulimit -n is ${ownFds}: scenarios e and j need about ${opts.streams + 200} descriptors ` +
        `here and ${2 * opts.streams + 200} in the proxy; raise it (ulimit -n 8192) or pass --streams=N`,
    )
  }

  log(
    `tokentap bench: ${cpus().length} CPUs, bun ${Bun.version}, rounds=${opts.rounds}, ` +
      `proxy workers=${opts.workers}`,
  )
  const upstream = await spawnChild('upstream', 'upstream.ts', [])
  // TOKENTAP_BENCH_PROFILE=<dir>: the proxy writes a CPU profile (.cpuprofile + .md) there on exit.
  const profileDir = process.env.TOKENTAP_BENCH_PROFILE
  const proxy = await spawnChild(
    'proxy',
    'proxy-process.ts',
    [String(upstream.info.port), upstream.info.caPath, `--workers=${opts.workers}`],
    profileDir ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${profileDir}`] : [],
  )
  log(
    `upstream pid ${upstream.pid} :${upstream.info.port} (fd limit ${fdLimit(upstream.pid)}), ` +
      `proxy pid ${proxy.pid}${proxy.info.workerPids ? ` (workers ${proxy.info.workerPids.join(', ')})` : ''} :${proxy.info.port} (fd limit ${fdLimit(proxy.pid)}), ` +
      `generator pid ${process.pid} (fd limit ${ownFds})`,
  )
  const routes: Record<Mode, Route> = {
    direct: {
      mode: 'direct',
      port: upstream.info.port,
      ca: readFileSync(upstream.info.caPath, 'utf8'),
    },
    proxy: { mode: 'proxy', port: proxy.info.port, ca: readFileSync(proxy.info.caPath, 'utf8') },
  }
  if (selected.some((s) => s.id === 'k')) {
    const asked = opts.idleStreams
    opts.idleStreams = idleStreamCount(asked, {
      generator: ownFds,
      proxy: fdLimit(proxy.pid),
      upstream: fdLimit(upstream.pid),
    })
    if (opts.idleStreams < asked) {
      log(
        `k: ${opts.idleStreams} idle streams, not ${asked}: the fd limits (the proxy needs two ` +
          'descriptors per stream) allow no more; raise ulimit -n (hard limit) for the full run',
      )
    }
  }
  const clockOffsetMs = await calibrateClock(routes.direct)
  log(`clock offset upstream−generator: ${clockOffsetMs.toFixed(3)} ms`)
  const setup: Setup = {
    upstream,
    proxy,
    routes,
    clockOffsetMs,
    opts,
    durationMs: opts.durationMs,
    warmupMs: opts.warmupMs,
    quietBudget: { leftMs: opts.quietWaitMs },
  }

  const started = new Date()
  const records: RoundRecord[] = []
  let aborted: string | null = null
  try {
    for (const sc of selected) {
      log(`${sc.id}) ${sc.title}`)
      await runScenario(setup, sc, Math.min(opts.rounds, sc.maxRounds ?? opts.rounds), log, records)
    }
    for (const sc of DB_SCENARIOS.filter((s) => !opts.only || opts.only.has(s.id))) {
      log(`${sc.id}) ${sc.title}`)
      await sc.run({ setup, rounds: opts.rounds, log, records })
    }
  } catch (e) {
    aborted = (e as Error).message
    log(`\nbench aborted: ${aborted}`)
  }
  const titles: Record<string, string> = {}
  for (const s of SCENARIOS) {
    const count = s.id === 'e' || s.id === 'j' ? opts.streams : s.id === 'k' ? opts.idleStreams : 0
    titles[s.id] = count > 0 ? `${count} ${s.title}` : s.title
  }
  for (const s of DB_SCENARIOS) titles[s.id] = s.title
  const rows = [...summarize(records, titles), ...dashboardRows(records, scenarioI.title)]
  log('')
  log(renderTable(rows))
  log('\nproxy records by outcome (proxied rounds, incl. warm-up):')
  for (const l of renderRecords(records)) log(l)
  const proxyErr = proxy.stderr()
  if (proxyErr.total > 0) {
    log(`\nproxy stderr: ${proxyErr.total} lines, first ones:`)
    for (const l of proxyErr.lines.slice(0, 10)) log(`  ${l}`)
  }
  // In h's "direct" rounds the measured proxy (DB-up) and its Postgres count as "other".
  const busiest = Math.max(
    0,
    ...records
      .filter((r) => r.scenario !== 'h' || r.mode !== 'direct')
      .map((r) => r.measure?.otherCpuPct ?? 0),
  )
  if (busiest > 25) {
    log(
      `\nwarning: other processes used up to ${busiest.toFixed(0)}% CPU during a round ` +
        `(column "other CPU%"); figures from busy rounds are not comparable.`,
    )
  }
  const missed = rows.filter((r) => r.pass === false).length
  log(`\n${rows.filter((r) => r.pass !== null).length - missed} targets met, ${missed} missed`)

  const dir = join(import.meta.dir, '..', '..', 'test-output')
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'bench.json')
  const report = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, bun: Bun.version, fdLimit: ownFds },
    options: { ...opts, only: opts.only ? [...opts.only] : null },
    clockOffsetMs,
    aborted,
    summary: rows,
    rounds: records,
    proxyStderr: proxyErr,
    upstreamStderr: upstream.stderr(),
  }
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`)
  log(`results: ${file}`)
  await stopChildren()
  if (aborted) process.exitCode = 1
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  async (e: Error) => {
    const why = e instanceof UsageError ? e.message : (e.stack ?? e.message)
    process.stderr.write(`bench failed: ${why}\n`)
    await stopChildren(500)
    process.exit(1)
  },
)
