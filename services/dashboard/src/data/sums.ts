// Exact partial sums: counters as integers, money (cost, credits, subscription value) as integer
// units of 1e-8 (BigInt), so parts read separately (cached closed hours, fresh hours, partial
// hours from usage_events) add up to exactly what one SQL sum over usage_events gives. toTotals
// converts once at the end, and derives billed spend (cost − subscription value) exactly.

import type { Totals } from '@tokentap/shared/api'
import { type MeasureField, ROLLUP_MEASURES } from '@tokentap/shared/db'

/** Totals' fields computed from the measures (not rollup columns). */
type DerivedField = 'billedCostUsd'
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Proof<T extends true> = T
/** The rollup's measures. Compiles only while Totals has exactly them (and the derived fields). */
type Measure =
  Proof<Same<Exclude<keyof Totals, DerivedField>, MeasureField>> extends true ? MeasureField : never

/** The rollup's integer measures (shared/db rollup.ts), in the order of Exact.n. */
export const COUNTERS = ROLLUP_MEASURES.filter((m) => !m.money) as ReadonlyArray<
  (typeof ROLLUP_MEASURES)[number] & { key: Measure }
>
/** The rollup's money measures (numeric columns), in the order of Exact.money. */
export const MONEY = ROLLUP_MEASURES.filter((m) => m.money) as ReadonlyArray<
  (typeof ROLLUP_MEASURES)[number] & { key: Measure }
>
const COST = MONEY.findIndex((m) => m.key === 'costUsd')
const VALUE = MONEY.findIndex((m) => m.key === 'subscriptionValueUsd')

export interface Exact {
  n: number[]
  /** Each money measure × 1e8, in MONEY order. */
  money: bigint[]
}

export const UNITS = 100_000_000

/** `round(sum(x) * 1e8)::text as x_units` for each money measure (outer sums, exact). */
export const MONEY_UNITS_SQL = MONEY.map(
  (m) => `round(coalesce(sum("${m.name}"), 0) * ${UNITS})::text as "${m.name}_units"`,
).join(',\n  ')

export function zero(): Exact {
  return { n: COUNTERS.map(() => 0), money: MONEY.map(() => 0n) }
}

export function add(a: Exact, b: Exact): Exact {
  return {
    n: a.n.map((v, i) => v + (b.n[i] ?? 0)),
    money: a.money.map((v, i) => v + (b.money[i] ?? 0n)),
  }
}

/** The cost (all priced requests, USD × 1e8): breakdowns sort by it. */
export const costUnits = (e: Exact): bigint => e.money[COST] ?? 0n

/** From a SQL row with COUNTERS as text/number and each money measure as `<name>_units`. */
export function fromRow(r: Record<string, unknown>): Exact {
  return {
    n: COUNTERS.map((c) => Number(r[c.name] ?? 0)),
    money: MONEY.map((m) => BigInt(String(r[`${m.name}_units`] ?? '0'))),
  }
}

/** Division of two exact doubles is correctly rounded: the same double as numeric::float8. */
const usd = (units: bigint): number => Number(units) / UNITS

export function toTotals(e: Exact): Totals {
  const counters = Object.fromEntries(COUNTERS.map((c, i) => [c.key, e.n[i] ?? 0]))
  const money = Object.fromEntries(MONEY.map((m, i) => [m.key, usd(e.money[i] ?? 0n)]))
  return {
    ...(counters as Record<Measure, number>), // one entry per counter, as built
    ...(money as Record<Measure, number>), // one entry per money measure, as built
    billedCostUsd: usd((e.money[COST] ?? 0n) - (e.money[VALUE] ?? 0n)),
  } as Totals // every measure (counters + money) and the derived field, as built above
}

/** Merge keyed parts. */
export function mergeParts(parts: Array<Map<string, Exact>>): Map<string, Exact> {
  const out = new Map<string, Exact>()
  for (const p of parts) {
    for (const [k, v] of p) {
      const cur = out.get(k)
      out.set(k, cur ? add(cur, v) : v)
    }
  }
  return out
}
