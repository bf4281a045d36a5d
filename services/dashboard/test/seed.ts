// Seeded data for the dashboard's integration tests: a varied spread of records (several
// providers, models, users, projects, programs, outcomes, null costs, estimated rows) over nine
// days at irregular times, plus ties, '' attributions, bodies and alerts. Written with plain SQL;
// the rollup is rebuilt from the events the way the proxy's writer folds them.

import type { Sql } from '@tokentap/shared/db'
import type { UsageRecord } from '../../../packages/shared/src/usage.ts'
import { makeRecords } from '../../../scripts/test-db/records.ts'

/** "Now" for the seeded data: the spread ends a little before it. */
export const SEED_NOW = new Date('2026-01-17T15:20:00Z')
export const SEED_START = Date.parse('2026-01-08T09:17:23.456Z')

const COLS: Array<[string, (r: UsageRecord) => unknown]> = [
  ['id', (r) => r.id],
  ['started_at', (r) => r.startedAt],
  ['duration_ms', (r) => r.durationMs],
  ['ttfb_ms', (r) => r.ttfbMs],
  ['provider', (r) => r.provider],
  ['host', (r) => r.host],
  ['method', (r) => r.method],
  ['path', (r) => r.path],
  ['endpoint', (r) => r.endpoint],
  ['model', (r) => r.model],
  ['stream', (r) => r.stream],
  ['transport', (r) => r.transport],
  ['status', (r) => r.status],
  ['outcome', (r) => r.outcome],
  ['usage_source', (r) => r.usageSource],
  ['billable', (r) => r.billable],
  ['response_id', (r) => r.responseId],
  ['user', (r) => r.user],
  ['project', (r) => r.project],
  ['program', (r) => r.program],
  ['request_bytes', (r) => r.requestBytes],
  ['response_bytes', (r) => r.responseBytes],
  ['error', (r) => r.error],
  ['parse_error', (r) => r.parseError],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['cache_read_tokens', (r) => r.cacheReadTokens],
  ['cache_write_5m_tokens', (r) => r.cacheWrite5mTokens],
  ['cache_write_1h_tokens', (r) => r.cacheWrite1hTokens],
  ['reasoning_tokens', (r) => r.reasoningTokens],
  ['credits', (r) => r.credits],
  ['cost_usd', (r) => r.costUsd],
  ['price_source', (r) => r.priceSource],
  ['price_version', (r) => r.priceVersion],
  ['raw_usage', (r) => JSON.stringify(r.rawUsage ?? null)],
]

/** Inserts records into usage_events and folds them into usage_rollup_hourly (as the proxy's
 *  writer does in one statement). */
export async function insertRecords(sql: Sql, records: UsageRecord[]): Promise<void> {
  if (records.length === 0) return
  const doc = JSON.stringify(
    records.map((r) => Object.fromEntries(COLS.map(([c, get]) => [c, get(r) ?? null]))),
  )
  const names = COLS.map(([c]) => `"${c}"`).join(', ')
  const typed = COLS.map(([c]) => `"${c}" ${COLUMN_TYPES[c] ?? 'text'}`).join(', ')
  const select = COLS.map(([c]) => (c === 'raw_usage' ? `"${c}"::jsonb` : `"${c}"`)).join(', ')
  await sql.unsafe(
    `with ins as (insert into usage_events (${names})
       select ${select} from json_to_recordset($1::text::json) as x(${typed}) returning *)
     insert into usage_rollup_hourly as r (hour, provider, model, "user", project, program,
       requests, errors, billable_requests, input_tokens, output_tokens, cache_read_tokens,
       cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost_usd,
       unpriced_requests, estimated_requests, credits)
     select date_trunc('hour', started_at, 'UTC'), provider, coalesce(model, ''),
       coalesce("user", ''), coalesce(project, ''), coalesce(program, ''),
       count(*), count(*) filter (where outcome <> 'ok'), count(*) filter (where billable),
       coalesce(sum(input_tokens) filter (where billable), 0), coalesce(sum(output_tokens) filter (where billable), 0),
       coalesce(sum(cache_read_tokens) filter (where billable), 0), coalesce(sum(cache_write_5m_tokens) filter (where billable), 0),
       coalesce(sum(cache_write_1h_tokens) filter (where billable), 0), coalesce(sum(reasoning_tokens) filter (where billable), 0),
       coalesce(sum(cost_usd), 0), count(*) filter (where billable and cost_usd is null),
       count(*) filter (where usage_source = 'estimated'), coalesce(sum(credits), 0)
     from ins group by 1, 2, 3, 4, 5, 6
     on conflict (hour, provider, model, "user", project, program) do update set
       requests = r.requests + excluded.requests, errors = r.errors + excluded.errors,
       billable_requests = r.billable_requests + excluded.billable_requests,
       input_tokens = r.input_tokens + excluded.input_tokens,
       output_tokens = r.output_tokens + excluded.output_tokens,
       cache_read_tokens = r.cache_read_tokens + excluded.cache_read_tokens,
       cache_write_5m_tokens = r.cache_write_5m_tokens + excluded.cache_write_5m_tokens,
       cache_write_1h_tokens = r.cache_write_1h_tokens + excluded.cache_write_1h_tokens,
       reasoning_tokens = r.reasoning_tokens + excluded.reasoning_tokens,
       cost_usd = r.cost_usd + excluded.cost_usd,
       unpriced_requests = r.unpriced_requests + excluded.unpriced_requests,
       estimated_requests = r.estimated_requests + excluded.estimated_requests,
       credits = r.credits + excluded.credits`,
    [doc],
  )
}

const COLUMN_TYPES: Record<string, string> = {
  id: 'uuid',
  started_at: 'timestamptz',
  duration_ms: 'integer',
  ttfb_ms: 'integer',
  stream: 'boolean',
  status: 'integer',
  billable: 'boolean',
  request_bytes: 'bigint',
  response_bytes: 'bigint',
  input_tokens: 'bigint',
  output_tokens: 'bigint',
  cache_read_tokens: 'bigint',
  cache_write_5m_tokens: 'bigint',
  cache_write_1h_tokens: 'bigint',
  reasoning_tokens: 'bigint',
  credits: 'numeric',
  cost_usd: 'numeric',
}

/** A record like makeRecords' with overrides. */
export function record(overrides: Partial<UsageRecord>): UsageRecord {
  const base = makeRecords(1, { seed: 99 })[0]!
  return { ...base, id: Bun.randomUUIDv7(), ...overrides }
}

export interface Seeded {
  records: UsageRecord[]
  /** An event with captured bodies. */
  bodiesId: string
}

export async function seed(sql: Sql): Promise<Seeded> {
  const records = makeRecords(700, { seed: 7, startMs: SEED_START, spanMs: 9 * 86_400_000 })
  // makeRecords mints ids in loop order; ids must follow started_at as the proxy's UUIDv7 do.
  const tie = '2026-01-16T12:34:56.789Z'
  const extra = [
    record({ startedAt: tie, user: '', project: '', costUsd: 0.25, usageSource: 'estimated' }),
    record({ startedAt: tie, user: 'dave', costUsd: null, billable: true, model: 'mystery-1' }),
    record({ startedAt: tie, user: 'dave', costUsd: 1.5, provider: 'openai', program: '=cmd' }),
    record({ startedAt: '2026-01-17T00:00:00.000Z', user: 'erin', credits: 2.5 }),
    record({ startedAt: '2026-01-17T14:59:59.999Z', user: 'erin', outcome: 'failed' }),
  ]
  const all = [...records, ...extra]
  for (let i = 0; i < all.length; i += 200) await insertRecords(sql, all.slice(i, i + 200))
  const bodiesId = extra[2]!.id
  await sql`insert into exchange_bodies (event_id, request, response)
    values (${bodiesId}::uuid, '{"model":"gpt-5"}', 'data: done')`
  await sql`insert into alerts_sent (budget, window_start, threshold, delivered_at, attempts)
    values ('team-daily', '2026-01-17T00:00:00Z', 0.5, '2026-01-17T10:00:00Z', 1),
           ('team-daily', '2026-01-17T00:00:00Z', 0.8, null, 2)`
  return { records: all, bodiesId }
}
