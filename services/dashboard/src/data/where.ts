// SQL fragments (postgres.js) for Filters: dimension conditions on the rollup and on
// usage_events, time intervals, and joining a list of conditions. Values are always parameters.

import { DIMENSIONS, type Dimension, type Filters } from '@tokentap/shared/api'
import type { postgres, Sql } from '@tokentap/shared/db'

export type Fragment = postgres.Fragment

/** ISO string for a parameter cast with ::timestamptz (independent of the pool's type parsers). */
export const ts = (ms: number): string => new Date(ms).toISOString()

/** `a and b and …` (`true` for none). */
export function and(sql: Sql, conds: Fragment[]): Fragment {
  if (conds.length === 0) return sql`true`
  return conds.reduce((acc, c) => sql`${acc} and ${c}`)
}

export function or(sql: Sql, conds: Fragment[]): Fragment {
  if (conds.length === 0) return sql`false`
  return sql`(${conds.reduce((acc, c) => sql`${acc} or ${c}`)})`
}

/** Rollup key columns hold '' for "none". */
export function rollupDims(sql: Sql, f: Filters): Fragment[] {
  const out: Fragment[] = []
  for (const d of DIMENSIONS) {
    const v = f[d]
    if (v !== undefined) out.push(sql`${sql(d)} = ${v}`)
  }
  return out
}

/** usage_events: NULL or '' is "none" (the rollup folds both into ''). Equality on a value keeps
 *  the (dimension, started_at) indexes usable. */
export function eventDims(sql: Sql, f: Filters): Fragment[] {
  const out: Fragment[] = []
  for (const d of DIMENSIONS) {
    const v = f[d]
    if (v === undefined) continue
    out.push(v === '' ? sql`(${sql(d)} is null or ${sql(d)} = '')` : sql`${sql(d)} = ${v}`)
  }
  return out
}

/** Event-log-only filters (not in the rollup). */
export function eventExtras(sql: Sql, f: Filters): Fragment[] {
  const out: Fragment[] = []
  if (f.outcome !== undefined) out.push(sql`outcome = ${f.outcome}`)
  if (f.stream !== undefined) out.push(sql`stream = ${f.stream}`)
  if (f.session !== undefined) out.push(sql`session = ${f.session}`)
  return out
}

export function startedIn(sql: Sql, lo: number, hi: number): Fragment {
  return sql`(started_at >= ${ts(lo)}::timestamptz and started_at < ${ts(hi)}::timestamptz)`
}

/** Key expression of a dimension on usage_events, '' for none (as in the rollup). */
export function eventKey(sql: Sql, d: Dimension): Fragment {
  return d === 'provider' ? sql`provider` : sql`coalesce(${sql(d)}, '')`
}

/** Run as an unnamed statement, planned with this call's values. A named prepared statement
 *  switches to a generic plan after five runs, which cannot see that `"user" = $1` is selective
 *  or how a range compares with the table, and may sort a whole range instead of walking an
 *  index. postgres.js reads the per-query `prepare` option (typed only on sql.unsafe). */
export function unprepared<T extends Fragment>(q: T): T {
  ;(q as unknown as { options: { prepare?: boolean } }).options.prepare = false
  return q
}
