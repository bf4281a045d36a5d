// The expected numbers: plain SQL over usage_events only (no rollup), written independently of
// src/data, for comparing every API number against.

import { DIMENSIONS, type Filters, type Totals } from '@tokentap/shared/api'
import type { Sql } from '@tokentap/shared/db'

const SUMS = `count(*)::float8 as requests,
  count(*) filter (where outcome <> 'ok')::float8 as errors,
  count(*) filter (where billable)::float8 as billable_requests,
  coalesce(sum(input_tokens) filter (where billable), 0)::float8 as input_tokens,
  coalesce(sum(output_tokens) filter (where billable), 0)::float8 as output_tokens,
  coalesce(sum(cache_read_tokens) filter (where billable), 0)::float8 as cache_read_tokens,
  coalesce(sum(cache_write_5m_tokens) filter (where billable), 0)::float8 as cache_write_5m_tokens,
  coalesce(sum(cache_write_1h_tokens) filter (where billable), 0)::float8 as cache_write_1h_tokens,
  coalesce(sum(reasoning_tokens) filter (where billable), 0)::float8 as reasoning_tokens,
  round(coalesce(sum(cost_usd), 0), 8)::float8 as cost_usd,
  count(*) filter (where billable and cost_usd is null)::float8 as unpriced_requests,
  count(*) filter (where usage_source = 'estimated')::float8 as estimated_requests,
  round(coalesce(sum(credits), 0), 8)::float8 as credits,
  count(*) filter (where billable and billing_kind = 'subscription')::float8
    as subscription_requests,
  round(coalesce(sum(cost_usd) filter (where billing_kind = 'subscription'), 0), 8)::float8
    as subscription_value_usd,
  round(coalesce(sum(cost_usd) filter (where billing_kind <> 'subscription'), 0), 8)::float8
    as billed_cost_usd,
  coalesce(sum(audio_input_tokens) filter (where billable), 0)::float8 as audio_input_tokens,
  coalesce(sum(audio_output_tokens) filter (where billable), 0)::float8 as audio_output_tokens,
  coalesce(sum(web_searches) filter (where billable), 0)::float8 as web_searches,
  count(*) filter (where cost_usd is not null and unpriced_units is not null)::float8
    as partially_priced_requests`

function where(f: Filters): { text: string; params: string[] } {
  const params = [f.from.toISOString(), f.to.toISOString()]
  const conds = ['started_at >= $1::timestamptz', 'started_at < $2::timestamptz']
  for (const d of DIMENSIONS) {
    const v = f[d]
    if (v === undefined) continue
    params.push(v)
    conds.push(`coalesce("${d}", '') = $${params.length}`)
  }
  return { text: conds.join(' and '), params }
}

function totals(r: Record<string, unknown>): Totals {
  const n = (k: string): number => Number(r[k])
  return {
    requests: n('requests'),
    errors: n('errors'),
    billableRequests: n('billable_requests'),
    inputTokens: n('input_tokens'),
    outputTokens: n('output_tokens'),
    cacheReadTokens: n('cache_read_tokens'),
    cacheWrite5mTokens: n('cache_write_5m_tokens'),
    cacheWrite1hTokens: n('cache_write_1h_tokens'),
    reasoningTokens: n('reasoning_tokens'),
    costUsd: n('cost_usd'),
    unpricedRequests: n('unpriced_requests'),
    estimatedRequests: n('estimated_requests'),
    credits: n('credits'),
    subscriptionRequests: n('subscription_requests'),
    subscriptionValueUsd: n('subscription_value_usd'),
    billedCostUsd: n('billed_cost_usd'),
    audioInputTokens: n('audio_input_tokens'),
    audioOutputTokens: n('audio_output_tokens'),
    webSearches: n('web_searches'),
    partiallyPricedRequests: n('partially_priced_requests'),
  }
}

export async function refSummary(sql: Sql, f: Filters): Promise<Totals> {
  const w = where(f)
  const [r] = await sql.unsafe(`select ${SUMS} from usage_events where ${w.text}`, w.params)
  return totals(r ?? {})
}

/** key → totals, grouped by a SQL expression over usage_events. */
export async function refGroups(
  sql: Sql,
  f: Filters,
  keyExpr: string,
  keyParams: string[] = [],
): Promise<Map<string, Totals>> {
  const w = where(f)
  const shift = w.params.length
  const expr = keyExpr.replace(/\$(\d+)/g, (_m, n: string) => `$${Number(n) + shift}`)
  const rows = await sql.unsafe(
    `select (${expr})::text as k, ${SUMS} from usage_events where ${w.text} group by 1`,
    [...w.params, ...keyParams],
  )
  return new Map(rows.map((r) => [String(r.k), totals(r)]))
}

/** Every event id matching the event-log filters, newest first. */
export async function refEventIds(sql: Sql, f: Filters): Promise<string[]> {
  const w = where(f)
  const conds = [w.text]
  if (f.outcome !== undefined) conds.push(`outcome = '${f.outcome}'`)
  if (f.stream !== undefined) conds.push(`stream = ${f.stream}`)
  const params = [...w.params]
  if (f.session !== undefined) {
    params.push(f.session)
    conds.push(`session = $${params.length}`)
  }
  const rows = await sql.unsafe(
    `select id::text as id from usage_events where ${conds.join(' and ')}
     order by started_at desc, id desc`,
    params,
  )
  return rows.map((r) => String(r.id))
}

export interface RefSession {
  session: string
  firstAt: string
  lastAt: string
  users: string[]
  totals: Totals
}

const span = (min: unknown, max: unknown): string[] =>
  min === null ? [] : min === max ? [String(min)] : [String(min), String(max)]

/** Sessions active in [from, to) (first request before `to`, last at or after `from`; user
 *  filter: its smallest or largest user), each over all its requests, most spend first. */
export async function refSessions(sql: Sql, f: Filters): Promise<RefSession[]> {
  const rows = await sql.unsafe(
    `select session, min(started_at) as first, max(started_at) as last,
       min("user") as user_min, max("user") as user_max, ${SUMS}
     from usage_events where session is not null group by session
     having max(started_at) >= $1::timestamptz and min(started_at) < $2::timestamptz
     order by cost_usd desc, requests desc, session`,
    [f.from.toISOString(), f.to.toISOString()],
  )
  return rows
    .map((r) => ({
      session: String(r.session),
      firstAt: new Date(String(r.first)).toISOString(),
      lastAt: new Date(String(r.last)).toISOString(),
      users: span(r.user_min, r.user_max),
      totals: totals(r),
    }))
    .filter((s) => f.user === undefined || s.users[0] === f.user || s.users.at(-1) === f.user)
}

/** One session's totals: '' = the whole session, else 'agent|agentType' ('' for none). */
export async function refSession(sql: Sql, id: string): Promise<Map<string, Totals>> {
  const rows = await sql.unsafe(
    `select coalesce(agent, '') || '|' || coalesce(agent_type, '') as k, ${SUMS}
     from usage_events where session = $1 group by 1
     union all select '' as k, ${SUMS} from usage_events where session = $1`,
    [id],
  )
  return new Map(rows.map((r) => [String(r.k), totals(r)]))
}
