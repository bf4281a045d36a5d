// Totals, breakdowns and time series: whole hours from usage_rollup_hourly, partial hours from
// usage_events (see plan.ts) measured as the rollup defines (shared/db rollup.ts), as exact sums
// (sums.ts) so the numbers equal SQL over usage_events. Closed hours come from the cache
// (cache.ts) while the live feed keeps it true.
// Outcome/stream filters are event-log only (the rollup has no such key) and are ignored here.

import {
  type Bucket,
  DIMENSIONS,
  type Dimension,
  type Filters,
  type Totals,
} from '@tokentap/shared/api'
import { EVENT_HOUR, EVENT_MEASURES_SQL, ROLLUP_MEASURES_SQL, type Sql } from '@tokentap/shared/db'
import { dayStartsBetween, startOfDay } from '@tokentap/shared/time'
import { type AggregateCache, closedBefore } from './cache.ts'
import { HOUR_MS, planRange } from './plan.ts'
import {
  COUNTERS,
  costUnits,
  type Exact,
  fromRow,
  MONEY_UNITS_SQL,
  mergeParts,
  toTotals,
  zero,
} from './sums.ts'
import { and, eventDims, eventKey, type Fragment, or, rollupDims, startedIn, ts } from './where.ts'

/** Outer sums, exact: counters as integers, money as integer units of 1e-8. */
const OUTER = `${COUNTERS.map(({ name: c }) => `coalesce(sum(${c}), 0)::text as ${c}`).join(', ')},
  ${MONEY_UNITS_SQL}`

export function emptyTotals(): Totals {
  return toTotals(zero())
}

interface Grouping {
  /** Cache key part: what the rows are grouped by. */
  name: string
  /** Group key over the rollup (column `hour` and key columns) and over usage_events. */
  rollupKey: Fragment
  eventKey: Fragment
  /** The key is a timestamp: returned as epoch ms text. */
  time?: boolean
}

export interface AggregateContext {
  sql: Sql
  cache: AggregateCache | null
  now: () => Date
}

interface HourSpan {
  lo: number
  hi: number
  skip: number[]
}

/** k → exact sums over the rollup hours of `rollup` and the usage_events `intervals`. */
async function readPart(
  { sql }: AggregateContext,
  f: Filters,
  g: Grouping | null,
  rollup: HourSpan | null,
  intervals: Array<[number, number]>,
): Promise<Map<string, Exact>> {
  const parts: Fragment[] = []
  const rk = g ? sql`${g.rollupKey} as k,` : sql``
  const ek = g ? sql`${g.eventKey} as k,` : sql``
  const groupBy = g ? sql`group by 1` : sql``
  if (rollup && rollup.lo < rollup.hi) {
    const conds = [
      sql`hour >= ${ts(rollup.lo)}::timestamptz`,
      sql`hour < ${ts(rollup.hi)}::timestamptz`,
      ...rollup.skip
        .filter((h) => h >= rollup.lo && h < rollup.hi)
        .map((h) => sql`hour <> ${ts(h)}::timestamptz`),
      ...rollupDims(sql, f),
    ]
    parts.push(
      sql`select ${rk} ${sql.unsafe(ROLLUP_MEASURES_SQL)} from usage_rollup_hourly
        where ${and(sql, conds)} ${groupBy}`,
    )
  }
  if (intervals.length > 0) {
    const conds = [
      or(
        sql,
        intervals.map(([lo, hi]) => startedIn(sql, lo, hi)),
      ),
      ...eventDims(sql, f),
    ]
    parts.push(
      sql`select ${ek} ${sql.unsafe(EVENT_MEASURES_SQL)} from usage_events
        where ${and(sql, conds)} ${groupBy}`,
    )
  }
  const out = new Map<string, Exact>()
  if (parts.length === 0) return out
  const union = parts.reduce((acc, p) => sql`${acc} union all ${p}`)
  const key = !g
    ? sql``
    : g.time
      ? sql`(extract(epoch from k) * 1000)::bigint::text as k,`
      : sql`k,`
  const rows = await sql`select ${key} ${sql.unsafe(OUTER)} from (${union}) u ${groupBy}`
  for (const r of rows) out.set(g ? String(r.k ?? '') : '', fromRow(r))
  return out
}

/** Sums over f's range grouped by g; closed rollup hours from the cache when it is on. */
async function combined(
  ctx: AggregateContext,
  f: Filters,
  g: Grouping | null,
  boundaries: number[],
): Promise<Map<string, Exact>> {
  const plan = planRange(f.from.getTime(), f.to.getTime(), boundaries)
  const cache = ctx.cache?.enabled() ? ctx.cache : null
  const closed = cache
    ? Math.min(closedBefore(ctx.now().getTime()), plan.rollupTo)
    : plan.rollupFrom
  if (!cache || closed <= plan.rollupFrom) {
    const all = { lo: plan.rollupFrom, hi: plan.rollupTo, skip: plan.skipHours }
    return readPart(ctx, f, g, all, plan.eventIntervals)
  }
  const closedSpan = { lo: plan.rollupFrom, hi: closed, skip: plan.skipHours }
  const openSpan = { lo: closed, hi: plan.rollupTo, skip: plan.skipHours }
  const key = JSON.stringify([g?.name ?? 'total', DIMENSIONS.map((d) => f[d] ?? null), closedSpan])
  const fresh = readPart(ctx, f, g, openSpan, plan.eventIntervals)
  let cached = cache.get(key)
  if (!cached) {
    const generation = cache.generation()
    cached = await readPart(ctx, f, g, closedSpan, [])
    cache.set(key, cached, generation)
  }
  return mergeParts([cached, await fresh])
}

export async function summary(ctx: AggregateContext, f: Filters): Promise<Totals> {
  const m = await combined(ctx, f, null, [])
  return toTotals(m.get('') ?? zero())
}

export async function breakdown(
  ctx: AggregateContext,
  f: Filters,
  by: Dimension,
  limit?: number,
): Promise<Array<Totals & { key: string }>> {
  const { sql } = ctx
  const g = { name: by, rollupKey: sql`${sql(by)}`, eventKey: eventKey(sql, by) }
  const m = await combined(ctx, f, g, [])
  // Most spend first, then most requests, then by name.
  const rows = [...m].sort(
    ([ka, a], [kb, b]) =>
      (costUnits(a) === costUnits(b) ? 0 : costUnits(a) > costUnits(b) ? -1 : 1) ||
      (b.n[0] ?? 0) - (a.n[0] ?? 0) ||
      (ka < kb ? -1 : ka > kb ? 1 : 0),
  )
  return rows.slice(0, limit ?? rows.length).map(([key, e]) => ({ key, ...toTotals(e) }))
}

/** Bucket starts covering [from, to): UTC hours, or local midnights in f.timezone. */
export function bucketStarts(f: Filters, bucket: Bucket): number[] {
  const from = f.from.getTime()
  const to = f.to.getTime()
  if (bucket === 'hour') {
    const out: number[] = []
    for (let h = Math.floor(from / HOUR_MS) * HOUR_MS; h < to; h += HOUR_MS) out.push(h)
    return out
  }
  // The first bucket starts at the local midnight at or before `from`.
  return [startOfDay(from, f.timezone), ...dayStartsBetween(from, to, f.timezone)]
}

export async function timeseries(
  ctx: AggregateContext,
  f: Filters,
  bucket: Bucket,
): Promise<Array<Totals & { t: string }>> {
  const { sql } = ctx
  const starts = bucketStarts(f, bucket)
  const g: Grouping =
    bucket === 'hour'
      ? {
          name: 'hour',
          time: true,
          rollupKey: sql`hour`,
          eventKey: sql.unsafe(EVENT_HOUR),
        }
      : {
          name: `day:${f.timezone}`,
          time: true,
          rollupKey: sql`date_trunc('day', hour, ${f.timezone})`,
          eventKey: sql`date_trunc('day', started_at, ${f.timezone})`,
        }
  const m = await combined(ctx, f, g, bucket === 'day' ? starts : [])
  const byStart = new Map<number, Totals>()
  for (const [k, e] of m) byStart.set(Number(k), toTotals(e))
  // Dense series: every bucket of the range, zeros where nothing happened.
  const all = new Set([...starts, ...byStart.keys()])
  return [...all]
    .sort((a, b) => a - b)
    .map((t) => ({ t: new Date(t).toISOString(), ...(byStart.get(t) ?? emptyTotals()) }))
}
