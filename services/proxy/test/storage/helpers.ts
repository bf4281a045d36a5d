// Shared helpers for the storage tests: a capturing logger, bounded polling, envelopes without
// bodies, and checks that usage_events / usage_rollup_hourly hold exactly what was written,
// records read back.

import { expect } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { usageEvents } from '@tokentap/shared/db'
import { asc } from 'drizzle-orm'
import { drizzle } from 'drizzle-orm/postgres-js'
import type postgres from 'postgres'
import type { Logger } from '../../src/log.ts'
import type { RecordEnvelope } from '../../src/sink/sink.ts'

/** A record as a sink takes it, with no captured bodies. */
export const bare = (record: UsageRecord): RecordEnvelope => ({ record, bodies: null })

export interface CapturedLog extends Logger {
  lines: string[]
}

export function captureLog(): CapturedLog {
  const lines: string[] = []
  return {
    lines,
    info: (m) => lines.push(`info ${m}`),
    warn: (m) => lines.push(`warn ${m}`),
    error: (m) => lines.push(`error ${m}`),
  }
}

/** Polls `cond` until true; throws (naming `what`) after `limitMs`. Not a timing assertion:
 *  the limit only bounds a hang. */
export async function waitFor(
  what: string,
  cond: () => boolean | Promise<boolean>,
  limitMs = 15_000,
): Promise<void> {
  const end = Date.now() + limitMs
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(20)
  }
}

/** Rollup rows recomputed from usage_events, same grouping and formulas as pg-write.ts. */
const FROM_EVENTS = `
  select date_trunc('hour', started_at, 'UTC') as hour, provider, coalesce(model, '') as model,
    coalesce("user", '') as "user", coalesce(project, '') as project,
    coalesce(program, '') as program, count(*)::bigint as requests,
    count(*) filter (where outcome <> 'ok')::bigint as errors,
    count(*) filter (where billable)::bigint as billable_requests,
    coalesce(sum(input_tokens) filter (where billable), 0)::bigint as input_tokens,
    coalesce(sum(output_tokens) filter (where billable), 0)::bigint as output_tokens,
    coalesce(sum(cache_read_tokens) filter (where billable), 0)::bigint as cache_read_tokens,
    coalesce(sum(cache_write_5m_tokens) filter (where billable), 0)::bigint as cache_write_5m_tokens,
    coalesce(sum(cache_write_1h_tokens) filter (where billable), 0)::bigint as cache_write_1h_tokens,
    coalesce(sum(reasoning_tokens) filter (where billable), 0)::bigint as reasoning_tokens,
    coalesce(sum(cost_usd), 0)::numeric as cost_usd,
    count(*) filter (where billable and cost_usd is null)::bigint as unpriced_requests,
    count(*) filter (where usage_source = 'estimated')::bigint as estimated_requests,
    coalesce(sum(credits), 0)::numeric as credits,
    count(*) filter (where billable and billing_kind = 'subscription')::bigint
      as subscription_requests,
    coalesce(sum(cost_usd) filter (where billing_kind = 'subscription'), 0)::numeric
      as subscription_value_usd,
    coalesce(sum(audio_input_tokens) filter (where billable), 0)::bigint as audio_input_tokens,
    coalesce(sum(audio_output_tokens) filter (where billable), 0)::bigint as audio_output_tokens,
    coalesce(sum(web_searches) filter (where billable), 0)::bigint as web_searches,
    count(*) filter (where cost_usd is not null and unpriced_units is not null)::bigint
      as partially_priced_requests
  from usage_events group by 1, 2, 3, 4, 5, 6`

const ROLLUP = `
  select hour, provider, model, "user", project, program, requests, errors, billable_requests,
    input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens,
    reasoning_tokens, cost_usd, unpriced_requests, estimated_requests, credits,
    subscription_requests, subscription_value_usd, audio_input_tokens, audio_output_tokens, web_searches, partially_priced_requests
  from usage_rollup_hourly`

/** Session totals recomputed from usage_events (the same measures, per session). */
const SESSIONS_FROM_EVENTS = `
  select session, min(started_at) as first_at, max(started_at) as last_at,
    min("user") as user_min, max("user") as user_max, min(project) as project_min,
    max(project) as project_max, min(program) as program_min, max(program) as program_max,
    ${FROM_EVENTS.slice(FROM_EVENTS.indexOf('count(*)::bigint'), FROM_EVENTS.indexOf('from usage_events'))}
  from usage_events where session is not null group by session`

const SESSIONS = `
  select session, first_at, last_at, user_min, user_max, project_min, project_max, program_min,
    program_max, requests, errors, billable_requests, input_tokens, output_tokens,
    cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost_usd,
    unpriced_requests, estimated_requests, credits, subscription_requests, subscription_value_usd,
    audio_input_tokens, audio_output_tokens, web_searches, partially_priced_requests
  from usage_sessions`

/** usage_rollup_hourly and usage_sessions equal the aggregates of usage_events, row for row
 *  (both ways). */
export async function expectRollupsMatchEvents(sql: postgres.Sql): Promise<void> {
  const diff = await sql.unsafe(`
    (${FROM_EVENTS} except all ${ROLLUP}) union all (${ROLLUP} except all ${FROM_EVENTS})`)
  expect([...diff]).toEqual([])
  const sessions = await sql.unsafe(`
    (${SESSIONS_FROM_EVENTS} except all ${SESSIONS})
    union all (${SESSIONS} except all ${SESSIONS_FROM_EVENTS})`)
  expect([...sessions]).toEqual([])
  const [r] = await sql<{ a: string; b: string }[]>`
    select (select count(*) from usage_events)::text as a,
      (select coalesce(sum(requests), 0) from usage_rollup_hourly)::text as b`
  expect(r?.b).toBe(r?.a)
}

/** Every id is in usage_events exactly once, and nothing else is. */
export async function expectExactlyOnce(sql: postgres.Sql, ids: string[]): Promise<void> {
  const [r] = await sql<{ n: number; distinct_n: number; matched: number }[]>`
    select count(*)::int as n, count(distinct id)::int as distinct_n,
      count(*) filter (where id::text = any(${ids}::text[]))::int as matched
    from usage_events`
  expect(r).toEqual({ n: ids.length, distinct_n: ids.length, matched: ids.length })
}

const money = (v: string | null): number | null => (v === null ? null : Number(v))

/** usage_events as UsageRecords (by id), read through the drizzle table: every column. */
export async function readRecords(sql: postgres.Sql): Promise<UsageRecord[]> {
  const rows = await drizzle(sql).select().from(usageEvents).orderBy(asc(usageEvents.id))
  return rows.map(({ recordedAt: _, startedAt, credits, costUsd, ...rest }) => ({
    ...rest,
    // Timestamps come back as Postgres text; numeric as strings.
    startedAt: new Date(startedAt).toISOString(),
    credits: money(credits),
    costUsd: money(costUsd),
  }))
}
