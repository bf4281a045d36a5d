// Exact partial sums: counters as integers, cost and credits as integer units of 1e-8 (BigInt),
// so parts read separately (cached closed hours, fresh hours, partial hours from usage_events)
// add up to exactly what one SQL sum over usage_events gives. toTotals converts once at the end.

import type { Totals } from '@tokentap/shared/api'
import { type MeasureField, ROLLUP_MEASURES } from '@tokentap/shared/db'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Proof<T extends true> = T
/** The rollup's integer measures. Compiles only while Totals has exactly the rollup's measures. */
type CounterField =
  Proof<Same<keyof Totals, MeasureField>> extends true
    ? Exclude<MeasureField, 'costUsd' | 'credits'>
    : never

/** The rollup's integer measures (shared/db rollup.ts), in the order of Exact.n. */
export const COUNTERS = ROLLUP_MEASURES.filter((m) => !m.money) as ReadonlyArray<
  (typeof ROLLUP_MEASURES)[number] & { key: CounterField } // the others are costUsd and credits
>

export interface Exact {
  n: number[]
  /** USD × 1e8. */
  cost: bigint
  /** credits × 1e8 (rounded per part). */
  credits: bigint
}

export const UNITS = 100_000_000

export function zero(): Exact {
  return { n: COUNTERS.map(() => 0), cost: 0n, credits: 0n }
}

export function add(a: Exact, b: Exact): Exact {
  return {
    n: a.n.map((v, i) => v + (b.n[i] ?? 0)),
    cost: a.cost + b.cost,
    credits: a.credits + b.credits,
  }
}

/** From a SQL row with COUNTERS as text/number and cost_units / credit_units as integer text. */
export function fromRow(r: Record<string, unknown>): Exact {
  return {
    n: COUNTERS.map((c) => Number(r[c.name] ?? 0)),
    cost: BigInt(String(r.cost_units ?? '0')),
    credits: BigInt(String(r.credit_units ?? '0')),
  }
}

/** Division of two exact doubles is correctly rounded: the same double as numeric::float8. */
const money = (units: bigint): number => Number(units) / UNITS

export function toTotals(e: Exact): Totals {
  const counters = Object.fromEntries(COUNTERS.map((c, i) => [c.key, e.n[i] ?? 0]))
  return {
    ...(counters as Record<CounterField, number>), // one entry per counter, as built
    costUsd: money(e.cost),
    credits: money(e.credits),
  }
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
