// Seeds a bench database with N usage_events (default 10M) generated in SQL (generate_series),
// ending now, plus the matching usage_rollup_hourly and usage_sessions rows (folded by shared/db
// rollup.ts and sessions.ts).
// Traffic is shaped like a team's: 50 users, each with a project, a program and three favourite
// models (so the rollup stays ~150 rows per hour, as it would in practice), mostly ok outcomes,
// a few unpriced/estimated; coding agents' traffic in two-hour sessions with sub-agents.
// The monthly partitions of the span are made first (as the writer would make them). Secondary
// indexes are dropped during the load and rebuilt after (much faster than maintaining them row
// by row; on the partitioned table, per partition), then VACUUM ANALYZE sets the visibility map
// and statistics of the partitions and the parent.

import {
  columnsOf,
  ensurePartitions,
  ident,
  type Month,
  monthOf,
  rollupUpsert,
  type Sql,
  sessionsUpsert,
  type UsageEventRow,
  usageEvents,
} from '@tokentap/shared/db'

export interface SeedOptions {
  rows: number
  /** Span of started_at, ending at `end` (default 90 days). */
  days: number
  end: Date
  /** Rows per INSERT statement (default 1M); two statements run at a time. */
  chunk?: number
  log?: (line: string) => void
}

export interface SeedResult {
  rows: number
  rollupRows: number
  seconds: { insert: number; rollup: number; indexes: number; vacuum: number; total: number }
}

const MODELS = [
  ['claude-sonnet-4-5', 'anthropic', 3, 15],
  ['claude-haiku-4-5', 'anthropic', 1, 5],
  ['claude-opus-4-1', 'anthropic', 15, 75],
  ['gpt-5', 'openai', 1.25, 10],
  ['gpt-5-mini', 'openai', 0.25, 2],
  ['o3', 'openai', 2, 8],
  ['gemini-2.5-pro', 'google', 1.25, 10],
  ['gemini-2.5-flash', 'google', 0.3, 2.5],
  ['grok-4', 'xai', 3, 15],
  ['deepseek-chat', 'deepseek', 0.27, 1.1],
  ['llama-3.3-70b', 'groq', 0.59, 0.79],
  ['mystery-model', 'openrouter', null, null],
] as const

const arr = (xs: readonly (string | number | null)[]): string =>
  `(array[${xs.map((x) => (x === null ? 'null' : typeof x === 'number' ? String(x) : `'${x}'`)).join(',')}])`

const COLUMNS = columnsOf(usageEvents)

/** INSERT … SELECT for ids [lo, hi] of n, started_at spread evenly over [start, start+span). */
function insertSql(lo: number, hi: number, n: number, startMs: number, spanMs: number): string {
  const models = arr(MODELS.map((m) => m[0]))
  const providers = arr(MODELS.map((m) => m[1]))
  const inPrice = `(${arr(MODELS.map((m) => m[2]))}::float8[])`
  const outPrice = `(${arr(MODELS.map((m) => m[3]))}::float8[])`
  const projects = arr(['billing-bot', 'search', 'infra', 'web', 'mobile', 'data', 'ml', null])
  const programs = arr(['claude-cli', 'codex', 'GeminiCLI', 'python-sdk', null])
  // r(k): a pseudo-random non-negative int per row and k.
  const r = (k: number) => `(hashint8extended(i, ${k}) & 2147483647)`
  // One SQL expression per usage_events column (the compiler wants every column).
  const exprs: { [K in keyof UsageEventRow]: string } = {
    id: `(lpad(to_hex((extract(epoch from ts) * 1000)::bigint), 12, '0') || '7' ||
        substr(h, 1, 3) || '8' || substr(h, 4, 15))::uuid`,
    startedAt: 'ts',
    durationMs: 'dur',
    ttfbMs: `case when stream then least(dur, 150 + ${r(3)} % 1500) end`,
    provider: `${providers}[m]`,
    host: `'api.' || ${providers}[m] || '.example'`,
    method: `'POST'`,
    path: `'/v1/messages'`,
    endpoint: `'messages'`,
    model: `${models}[m]`,
    stream: 'stream',
    transport: `'http'`,
    status: `case outcome when 'ok' then 200 when 'upstream_error' then 529 end`,
    outcome: 'outcome',
    usageSource: `case when ${r(4)} % 100 < 2 then 'estimated' when ${r(4)} % 100 < 3 then 'none'
        else 'provider' end`,
    billable: 'true',
    responseId: `'msg_' || i`,
    user: 'usr',
    project: `${projects}[1 + u % 8]`,
    program: `${programs}[1 + u % 5]`,
    // Coding agents (claude-cli, codex) always name their session, half of the Gemini CLI and
    // SDK traffic is tagged (X-Tokentap-Session), the rest has none; 30 % of an agent session's
    // rows come from one of three sub-agents.
    session: 'sess',
    agent: `case when sess is not null and u % 5 < 2 and ${r(18)} % 10 < 3
        then substr(md5(sess || (${r(19)} % 3)), 1, 17) end`,
    agentType: `case when sess is not null and u % 5 < 2 and ${r(18)} % 10 < 3
        then case u % 5 when 0 then (array['general-purpose', 'Explore', 'Plan'])[1 + ${r(19)} % 3]
        else 'collab_spawn' end end`,
    // Users 0–19 work on a subscription for Anthropic models, the rest use API keys.
    billingKind: `case when u < 20 and ${providers}[m] = 'anthropic' then 'subscription'
        else 'api_key' end`,
    account: `'acct' || lpad(to_hex(u), 16, '0')`,
    requestBytes: `1000 + ${r(5)} % 200000`,
    responseBytes: `200 + ${r(6)} % 50000`,
    error: `case when outcome <> 'ok' then 'upstream said no' end`,
    parseError: 'null',
    inputTokens: 'inp',
    outputTokens: 'outp',
    cacheReadTokens: 'cr',
    cacheWrite5mTokens: 'cw5',
    cacheWrite1hTokens: 'cw1',
    reasoningTokens: 'case when m in (4, 5, 6) then outp / 3 end',
    credits: 'null',
    costUsd: `case when ${inPrice}[m] is not null then round(((inp * ${inPrice}[m] + outp * ${outPrice}[m]
        + cr * ${inPrice}[m] * 0.1 + cw5 * ${inPrice}[m] * 1.25 + cw1 * ${inPrice}[m] * 2)
        / 1e6)::numeric, 8) end`,
    priceSource: `case when ${inPrice}[m] is not null then 'genai-prices' else 'unpriced' end`,
    priceVersion: `case when ${inPrice}[m] is not null then '2026-01-01' end`,
    rawUsage: 'null',
    serviceTier: 'null',
    inferenceGeo: 'null',
    speed: 'null',
    // One row in 20 ran web searches (priced per use, so the rollup sums them).
    units: `case when ${r(18)} % 20 = 0 then jsonb_build_object('web_searches', 1 + ${r(19)} % 3) end`,
    subUsage: 'null',
    audioInputTokens: 'null',
    audioOutputTokens: 'null',
    webSearches: `case when ${r(18)} % 20 = 0 then 1 + ${r(19)} % 3 end`,
    unpricedUnits: 'null',
    recordedAt: `ts + interval '1 second'`,
  }
  return `
    insert into usage_events (${COLUMNS.map((c) => ident(c.name)).join(', ')})
    select ${COLUMNS.map((c) => exprs[c.key]).join(',\n      ')}
    from (
      select i, ts, h, u, m, stream, dur, usr, outcome,
        -- One session per user and two hours, shaped like the clients' UUIDs.
        case when u % 5 < 2 or (u % 5 < 4 and ${r(20)} % 2 = 0)
          then md5(u || ':' || floor(extract(epoch from ts) / 7200))::uuid::text end as sess,
        ${r(7)} % 20000 as inp, ${r(8)} % 4000 as outp, ${r(9)} % 100000 as cr,
        case when ${r(10)} % 10 = 0 then ${r(11)} % 10000 else 0 end as cw5,
        case when ${r(12)} % 50 = 0 then ${r(13)} % 5000 else 0 end as cw1
      from (
        select i,
          to_timestamp((${startMs}::float8 + (i - 1) * (${spanMs}::float8 / ${n})) / 1000) as ts,
          md5(i::text) as h,
          ${r(1)} % 50 as u,
          1 + ((${r(1)} % 50) + (${r(2)} % 3) * 4) % 12 as m,
          ${r(14)} % 10 < 7 as stream,
          200 + ${r(15)} % 30000 as dur,
          case when ${r(16)} % 20 = 0 then null else 'user-' || (${r(1)} % 50) end as usr,
          case when ${r(17)} % 100 < 94 then 'ok' when ${r(17)} % 100 < 97 then 'upstream_error'
            when ${r(17)} % 100 < 99 then 'aborted' else 'failed' end as outcome
        from generate_series(${lo}::bigint, ${hi}::bigint) as i
      ) a
    ) b`
}

export async function seedDashboardData(sql: Sql, opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => {})
  const t0 = performance.now()
  const lap = (since: number): number => (performance.now() - since) / 1000
  const indexes = await sql<{ name: string; def: string }[]>`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = current_schema()
      and tablename in ('usage_events', 'usage_rollup_hourly', 'usage_sessions')
      and indexname not in (select conname from pg_constraint where contype in ('p', 'u'))`
  for (const ix of indexes) await sql.unsafe(`drop index "${ix.name}"`)

  const spanMs = opts.days * 86_400_000
  const startMs = opts.end.getTime() - spanMs
  const months = new Set<Month>()
  for (let t = startMs; t < opts.end.getTime() + 86_400_000; t += 86_400_000) months.add(monthOf(t))
  await ensurePartitions(sql, months)
  const chunk = opts.chunk ?? 1_000_000
  const ranges: [number, number][] = []
  for (let lo = 1; lo <= opts.rows; lo += chunk)
    ranges.push([lo, Math.min(opts.rows, lo + chunk - 1)])
  let t = performance.now()
  let done = 0
  const worker = async (): Promise<void> => {
    for (let next = ranges.shift(); next; next = ranges.shift()) {
      await sql.unsafe(insertSql(next[0], next[1], opts.rows, startMs, spanMs))
      done += next[1] - next[0] + 1
      log(`    seeded ${done.toLocaleString('en-US')} / ${opts.rows.toLocaleString('en-US')} rows`)
    }
  }
  await Promise.all([worker(), worker()])
  const insert = lap(t)

  t = performance.now()
  await sql.unsafe(rollupUpsert('usage_events'))
  await sql.unsafe(sessionsUpsert('usage_events'))
  const rollup = lap(t)
  t = performance.now()
  // A partitioned table's index reads `ON ONLY usage_events`: built without ONLY, it is built
  // on every partition too.
  for (const ix of indexes) await sql.unsafe(ix.def.replace(' ON ONLY ', ' ON '))
  const indexSeconds = lap(t)
  t = performance.now()
  await sql.unsafe('vacuum analyze usage_events')
  await sql.unsafe('vacuum analyze usage_rollup_hourly')
  await sql.unsafe('vacuum analyze usage_sessions')
  const vacuum = lap(t)
  const [c] = await sql<{ n: number }[]>`select count(*)::int as n from usage_rollup_hourly`
  return {
    rows: opts.rows,
    rollupRows: c?.n ?? 0,
    seconds: { insert, rollup, indexes: indexSeconds, vacuum, total: lap(t0) },
  }
}
