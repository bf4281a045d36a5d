// Exact partial sums: counters as integers, cost and credits as integer units of 1e-8 (BigInt),
// so parts read separately (cached closed hours, fresh hours, partial hours from usage_events)
// add up to exactly what one SQL sum over usage_events gives. toTotals converts once at the end.

import type { Totals } from './types.ts'

/** Counter columns, in the order of Exact.n (the rollup's names). */
export const COUNTERS = [
  'requests',
  'errors',
  'billable_requests',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'reasoning_tokens',
  'unpriced_requests',
  'estimated_requests',
] as const

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
    n: COUNTERS.map((c) => Number(r[c] ?? 0)),
    cost: BigInt(String(r.cost_units ?? '0')),
    credits: BigInt(String(r.credit_units ?? '0')),
  }
}

/** Division of two exact doubles is correctly rounded: the same double as numeric::float8. */
const money = (units: bigint): number => Number(units) / UNITS

export function toTotals(e: Exact): Totals {
  const [
    requests = 0,
    errors = 0,
    billableRequests = 0,
    inputTokens = 0,
    outputTokens = 0,
    cacheReadTokens = 0,
    cacheWrite5mTokens = 0,
    cacheWrite1hTokens = 0,
    reasoningTokens = 0,
    unpricedRequests = 0,
    estimatedRequests = 0,
  ] = e.n
  return {
    requests,
    errors,
    billableRequests,
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWrite5mTokens,
    cacheWrite1hTokens,
    reasoningTokens,
    costUsd: money(e.cost),
    unpricedRequests,
    estimatedRequests,
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
