// Spend of a budget over a window, read from usage_rollup_hourly (per UTC hour). Window bounds
// that are not whole UTC hours (zones such as Asia/Kolkata, +05:30) leave partial hours at the
// edges: those are summed from usage_events instead, so the total is exact. Also the top
// contributors (models, users, projects) and the budget's alerts_sent rows. SELECT only: the
// dashboard calls these on a read-only connection.

import type postgres from 'postgres'
import { ROW_CLASSES } from '../db/rollup.ts'
import {
  BUDGET_SCOPE_KEYS,
  type Budget,
  type BudgetAlertRow,
  type BudgetSpend,
  type BudgetWindow,
} from './types.ts'

type Sql = postgres.Sql
type Fragment = postgres.PendingQuery<postgres.Row[]>
const HOUR_MS = 3_600_000

export interface BudgetTop {
  name: string
  spentUsd: number
  requests: number
}

export interface BudgetBreakdown {
  models: BudgetTop[]
  users: BudgetTop[]
  projects: BudgetTop[]
}

/** The hour-aligned middle of a window and its partial edges (pure). */
export function splitWindow(w: BudgetWindow): {
  hours: { from: Date; to: Date } | null
  partial: { from: Date; to: Date }[]
} {
  const s = w.start.getTime()
  const e = w.end.getTime()
  const from = Math.ceil(s / HOUR_MS) * HOUR_MS
  const to = Math.floor(e / HOUR_MS) * HOUR_MS
  if (from >= to) return { hours: null, partial: e > s ? [{ from: w.start, to: w.end }] : [] }
  const partial: { from: Date; to: Date }[] = []
  if (s < from) partial.push({ from: w.start, to: new Date(from) })
  if (to < e) partial.push({ from: new Date(to), to: w.end })
  return { hours: { from: new Date(from), to: new Date(to) }, partial }
}

function and(sql: Sql, parts: Fragment[]): Fragment {
  return parts.reduce((a, p) => sql`${a} and ${p}`, sql`true`)
}

/** Whose spend a budget reads, and what it counts (Budget.counts; absent = billed). */
export type SpendScope = Pick<Budget, 'scope' | 'counts'>

/** One row per (model, user, project) with the sums, from rollups + partial-hour events (the
 *  rollup's definitions of unpriced and estimated rows, shared/db rollup.ts). Cost is billed
 *  spend unless the budget counts all (then subscription traffic's API-equivalent value too). */
function source(sql: Sql, budget: SpendScope, w: BudgetWindow): Fragment {
  const all = budget.counts === 'all'
  const rollupCost = all ? 'cost_usd' : 'cost_usd - subscription_value_usd'
  const eventCost = all
    ? 'coalesce(cost_usd, 0)'
    : `case when ${ROW_CLASSES.subscription.sql} then 0 else coalesce(cost_usd, 0) end`
  const { hours, partial } = splitWindow(w)
  // Scope values are non-empty, so the same equality works on rollups ('' = none) and events.
  const scope = BUDGET_SCOPE_KEYS.filter((k) => budget.scope[k] !== undefined).map(
    (k) => sql`${sql(k)} = ${budget.scope[k] as string}`,
  )
  const parts: Fragment[] = []
  if (hours) {
    parts.push(sql`
      select model, "user", project, ${sql.unsafe(rollupCost)} as cost, requests,
        unpriced_requests as unpriced, estimated_requests as estimated
      from usage_rollup_hourly
      where ${and(sql, [
        sql`"hour" >= ${hours.from.toISOString()}::timestamptz`,
        sql`"hour" < ${hours.to.toISOString()}::timestamptz`,
        ...scope,
      ])}`)
  }
  for (const p of partial) {
    parts.push(sql`
      select coalesce(model, '') as model, coalesce("user", '') as "user",
        coalesce(project, '') as project, ${sql.unsafe(eventCost)} as cost, 1::bigint as requests,
        (${sql.unsafe(ROW_CLASSES.unpriced.sql)})::int::bigint as unpriced,
        (${sql.unsafe(ROW_CLASSES.estimated.sql)})::int::bigint as estimated
      from usage_events
      where ${and(sql, [
        sql`started_at >= ${p.from.toISOString()}::timestamptz`,
        sql`started_at < ${p.to.toISOString()}::timestamptz`,
        ...scope,
      ])}`)
  }
  if (parts.length === 0) {
    parts.push(sql`select ''::text as model, ''::text as "user", ''::text as project,
      0::numeric as cost, 0::bigint as requests, 0::bigint as unpriced, 0::bigint as estimated
      where false`)
  }
  return parts.slice(1).reduce((a, p) => sql`${a} union all ${p}`, parts[0] as Fragment)
}

/** Spend of `budget`'s scope inside `window`, exact to the event. */
export async function budgetSpend(
  sql: Sql,
  budget: SpendScope,
  window: BudgetWindow,
): Promise<BudgetSpend> {
  const [r] = await sql<{ cost: string; requests: string; unpriced: string; estimated: string }[]>`
    select coalesce(sum(cost), 0)::text as cost, coalesce(sum(requests), 0)::text as requests,
      coalesce(sum(unpriced), 0)::text as unpriced, coalesce(sum(estimated), 0)::text as estimated
    from (${source(sql, budget, window)}) s`
  return {
    spentUsd: Number(r?.cost ?? 0),
    requests: Number(r?.requests ?? 0),
    unpricedRequests: Number(r?.unpriced ?? 0),
    estimatedRequests: Number(r?.estimated ?? 0),
  }
}

/** The `limit` biggest models, users and projects by spend inside the window ('' = none). */
export async function budgetBreakdown(
  sql: Sql,
  budget: SpendScope,
  window: BudgetWindow,
  limit = 3,
): Promise<BudgetBreakdown> {
  const rows = await sql<{ dim: string; name: string; cost: string; requests: string }[]>`
    with s as (${source(sql, budget, window)}),
    g as (
      select case when grouping(model) = 0 then 'models' when grouping("user") = 0 then 'users'
        else 'projects' end as dim,
        coalesce(model, "user", project) as name, sum(cost) as cost, sum(requests) as requests
      from s group by grouping sets ((model), ("user"), (project))
    )
    select dim, name, cost::text as cost, requests::text as requests from (
      select g.*, row_number() over (partition by dim order by cost desc, requests desc, name) as rn
      from g) r
    where rn <= ${limit} and (cost > 0 or requests > 0)
    order by dim, rn`
  const out: BudgetBreakdown = { models: [], users: [], projects: [] }
  for (const r of rows) {
    const top = { name: r.name, spentUsd: Number(r.cost), requests: Number(r.requests) }
    if (r.dim === 'models' || r.dim === 'users' || r.dim === 'projects') out[r.dim].push(top)
  }
  return out
}

const iso = (ms: number | string): string => new Date(Number(ms)).toISOString()

/** A budget's alerts_sent rows: pending (undelivered) first, then newest first. */
export async function budgetAlerts(
  sql: Sql,
  budgetName: string,
  opts: { limit?: number } = {},
): Promise<BudgetAlertRow[]> {
  const rows = await sql<
    {
      budget: string
      threshold: string
      window_start_ms: string
      created_at_ms: string
      delivered_at_ms: string | null
      attempts: number
      last_error: string | null
    }[]
  >`
    select budget, threshold::text as threshold,
      (extract(epoch from window_start) * 1000)::bigint::text as window_start_ms,
      (extract(epoch from created_at) * 1000)::bigint::text as created_at_ms,
      (extract(epoch from delivered_at) * 1000)::bigint::text as delivered_at_ms,
      attempts, last_error
    from alerts_sent where budget = ${budgetName}
    order by (delivered_at is null) desc, created_at desc, id desc
    limit ${opts.limit ?? 50}`
  return rows.map((r) => ({
    budget: r.budget,
    threshold: Number(r.threshold),
    windowStart: iso(r.window_start_ms),
    createdAt: iso(r.created_at_ms),
    deliveredAt: r.delivered_at_ms === null ? null : iso(r.delivered_at_ms),
    attempts: r.attempts,
    lastError: r.last_error,
  }))
}
