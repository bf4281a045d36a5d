// The hourly rollup (usage_rollup_hourly) defined once: its key (the table's unique constraint),
// which usage_events rows each measure counts, and the SQL built from that. The proxy's writer
// folds every flush with rollupUpsert; the dashboard sums partial hours with EVENT_MEASURES_SQL
// and whole hours with ROLLUP_MEASURES_SQL; the test and bench seeds fill rollups with
// rollupUpsert too. Tests check the results against plain SQL written apart from this file.
//
// Accounting: token sums count billable rows only (a count_tokens answer carries input_tokens
// but is not model usage); cost sums priced rows, and billable rows without a price are counted
// apart (unpriced), never as $0. Subscription traffic (billing_kind = 'subscription') is also
// summed apart: its cost is the API-equivalent value, and billed spend = cost − that value.
// Billed units (issue 14) are summed like tokens; priced rows with an unpriced unit are counted
// apart too (partially priced: their cost is a lower bound).
//
// ROLLUP_MEASURES are every measure column, and the dashboard's Totals has exactly these.

import { getTableConfig } from 'drizzle-orm/pg-core'
import { columnsOf, type EventField, eventColumn, ident, TOKEN_FIELDS } from './columns.ts'
import { type UsageRollupHourlyRow, usageRollupHourly } from './schema.ts'

/** A class of usage_events rows: a SQL condition over one row and the fields it reads. */
export interface RowClass {
  sql: string
  reads: EventField[]
}
const rows = (sql: string, ...reads: EventField[]): RowClass => ({ sql, reads })

/** Which usage_events rows the measures count (budgets' spend uses them too). */
export const ROW_CLASSES = {
  billable: rows('billable', 'billable'),
  errors: rows(`outcome <> 'ok'`, 'outcome'),
  unpriced: rows('billable and cost_usd is null', 'billable', 'costUsd'),
  estimated: rows(`usage_source = 'estimated'`, 'usageSource'),
  // --- Billing kind (issue 16): traffic a subscription covered; everything else is billed.
  subscription: rows(`billing_kind = 'subscription'`, 'billingKind'),
  billableSubscription: rows(
    `billable and billing_kind = 'subscription'`,
    'billable',
    'billingKind',
  ),
  partiallyPriced: rows(
    'cost_usd is not null and unpriced_units is not null',
    'costUsd',
    'unpricedUnits',
  ),
} as const

/** Rows counted, or a usage_events field summed (NULLs skipped); `where` null = every row. */
type Measure = { count: true; where: RowClass | null } | { sum: EventField; where: RowClass | null }

type KeyField = 'hour' | 'provider' | 'model' | 'user' | 'project' | 'program'
export type MeasureField = Exclude<keyof UsageRollupHourlyRow, KeyField>

const tokenSums = Object.fromEntries(
  TOKEN_FIELDS.map((k) => [k, { sum: k, where: ROW_CLASSES.billable }]),
) as Record<(typeof TOKEN_FIELDS)[number], Measure> // one entry per token bucket, as built

/** Every measure column's definition (the compiler wants one per column). */
const MEASURES: { [K in MeasureField]: Measure } = {
  requests: { count: true, where: null },
  errors: { count: true, where: ROW_CLASSES.errors },
  billableRequests: { count: true, where: ROW_CLASSES.billable },
  ...tokenSums,
  /** sum() skips NULL: the cost of priced rows only. */
  costUsd: { sum: 'costUsd', where: null },
  unpricedRequests: { count: true, where: ROW_CLASSES.unpriced },
  estimatedRequests: { count: true, where: ROW_CLASSES.estimated },
  credits: { sum: 'credits', where: null },
  // --- Billing kind (issue 16): billed spend = costUsd − subscriptionValueUsd.
  subscriptionRequests: { count: true, where: ROW_CLASSES.billableSubscription },
  subscriptionValueUsd: { sum: 'costUsd', where: ROW_CLASSES.subscription },
  // --- Billed units (issue 14): summed like the token buckets (billable rows), and the
  // partially priced rows (priced, with a unit the table has no price for).
  audioInputTokens: { sum: 'audioInputTokens', where: ROW_CLASSES.billable },
  audioOutputTokens: { sum: 'audioOutputTokens', where: ROW_CLASSES.billable },
  webSearches: { sum: 'webSearches', where: ROW_CLASSES.billable },
  partiallyPricedRequests: { count: true, where: ROW_CLASSES.partiallyPriced },
}

export interface RollupMeasure {
  key: MeasureField
  /** Rollup column name. */
  name: string
  /** numeric (USD, credits) rather than an integer counter. */
  money: boolean
  /** Its value over a set of usage_events rows (an aggregate expression). */
  over: string
}

const all = columnsOf(usageRollupHourly)
/** The rollup key columns (hour first), from the table's unique constraint. */
export const ROLLUP_KEY: readonly string[] =
  getTableConfig(usageRollupHourly).uniqueConstraints[0]?.columns.map((c) => c.name) ?? []
const measureNames = all.filter((c) => c.key in MEASURES).map((c) => c.name)
if (
  ROLLUP_KEY[0] !== 'hour' ||
  Object.keys(MEASURES).length !== measureNames.length ||
  new Set([...ROLLUP_KEY, ...measureNames]).size !== all.length
) {
  throw new Error('usage_rollup_hourly: its unique key and MEASURES must cover every column once')
}

function over(m: Measure): string {
  const filter = m.where ? ` filter (where ${m.where.sql})` : ''
  if ('count' in m) return `count(*)${filter}`
  return `coalesce(sum(${ident(eventColumn(m.sum).name)})${filter}, 0)`
}

/** Every measure, in table order (the dashboard's Totals has exactly these). */
export const ROLLUP_MEASURES: readonly RollupMeasure[] = all.flatMap((c) =>
  c.key in MEASURES
    ? [
        {
          key: c.key as MeasureField, // `in MEASURES` holds only for its fields
          name: c.name,
          money: c.sqlType.startsWith('numeric'),
          over: over(MEASURES[c.key as MeasureField]),
        },
      ]
    : [],
)

/** The start of a usage_events row's UTC hour. */
export const EVENT_HOUR = `date_trunc('hour', started_at, 'UTC')`

/** The key over usage_events rows: the UTC hour, then each dimension with '' for NULL. */
const EVENT_KEY = ROLLUP_KEY.map((k) => {
  if (k === 'hour') return EVENT_HOUR
  const c = eventColumn(k as EventField) // key dimensions are usage_events columns by name
  return c.notNull ? ident(c.name) : `coalesce(${ident(c.name)}, '')`
})

/** The usage_events columns rollupUpsert reads (the writer RETURNs only these). */
export const ROLLUP_INPUTS: readonly string[] = [
  ...new Set([
    'started_at',
    ...ROLLUP_KEY.filter((k) => k !== 'hour'),
    ...Object.values(MEASURES).flatMap((m) => [
      ...('sum' in m ? [eventColumn(m.sum).name] : []),
      ...(m.where?.reads.map((f) => eventColumn(f).name) ?? []),
    ]),
  ]),
]

/** `<measure> as <column>, …` over usage_events rows. */
export const EVENT_MEASURES_SQL = ROLLUP_MEASURES.map((m) => `${m.over} as ${ident(m.name)}`).join(
  ', ',
)
/** `sum(<column>) as <column>, …` over rollup rows. */
export const ROLLUP_MEASURES_SQL = ROLLUP_MEASURES.map(
  (m) => `sum(${ident(m.name)}) as ${ident(m.name)}`,
).join(', ')

const keyList = ROLLUP_KEY.map(ident).join(', ')
const positions = ROLLUP_KEY.map((_k, i) => i + 1).join(', ')

/** Folds the usage_events rows of relation `from` (a table or CTE with ROLLUP_INPUTS) into
 *  usage_rollup_hourly. Groups are inserted in key order, so concurrent writers lock rollup rows
 *  in the same order (no deadlocks). */
export function rollupUpsert(from: string): string {
  const cols = ROLLUP_MEASURES.map((m) => ident(m.name))
  return `insert into usage_rollup_hourly as r (${keyList}, ${cols.join(', ')})
  select ${EVENT_KEY.join(', ')},
    ${ROLLUP_MEASURES.map((m) => m.over).join(', ')}
  from ${from} group by ${positions} order by ${positions}
  on conflict (${keyList}) do update set
    ${cols.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')}`
}

// --- Repricing (issue 14): rows whose measured fields change in place.

/** Moves rows' contributions in usage_rollup_hourly from what relation `before` holds to what
 *  `after` holds (the same usage_events rows, each with ROLLUP_INPUTS, before and after an
 *  UPDATE of them): every affected key gets after − before, added in key order as rollupUpsert
 *  adds, so it commutes with the writer's concurrent folds (both add under the row's lock, in
 *  the same lock order). Keys whose measures do not change are left alone (not even locked). */
export function rollupAdjust(before: string, after: string): string {
  const cols = ROLLUP_MEASURES.map((m) => ident(m.name))
  const keyed = EVENT_KEY.map((e, i) => `${e} as ${ident(ROLLUP_KEY[i] ?? '')}`).join(', ')
  const side = (from: string, sign: string) =>
    `select ${keyed}, ${ROLLUP_MEASURES.map((m) => `${sign}(${m.over}) as ${ident(m.name)}`).join(', ')}
    from ${from} group by ${positions}`
  return `insert into usage_rollup_hourly as r (${keyList}, ${cols.join(', ')})
  select ${keyList}, ${cols.map((c) => `sum(${c})`).join(', ')}
  from (${side(after, '')} union all ${side(before, '-')}) d
  group by ${positions} having ${cols.map((c) => `sum(${c}) <> 0`).join(' or ')}
  order by ${positions}
  on conflict (${keyList}) do update set
    ${cols.map((c) => `${c} = r.${c} + excluded.${c}`).join(', ')}`
}
