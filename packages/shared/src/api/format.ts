// How the API's figures read, for the dashboard's pages and `tokentap top` alike (pure): counts,
// compact token figures, money with "~$" for estimated usage and an "unpriced" count, never a
// fake $0.

import type { BillingKind } from '../usage.ts'
import type { EventRow, Totals } from './types.ts'

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })

/** 1234567 → "1,234,567"; null → "—". */
export function formatInt(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return intFmt.format(n)
}

/** Compact token figure for cards: 950 → "950", 12_345 → "12.3k", 4_500_000 → "4.5M". */
export function formatCompact(n: number): string {
  const abs = Math.abs(n)
  const scaled = (v: number, unit: string): string =>
    `${v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, '')}${unit}`
  if (abs >= 1e9) return scaled(n / 1e9, 'B')
  if (abs >= 1e6) return scaled(n / 1e6, 'M')
  if (abs >= 1e4) return scaled(n / 1e3, 'k')
  return formatInt(n)
}

/** USD amount without a mark: 2 decimals from $1, 4 below (small requests cost fractions). */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd)
  if (abs === 0) return '$0.00'
  if (abs >= 1)
    return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
  if (abs >= 0.0001) return `$${usd.toFixed(4)}`
  return `$${usd.toPrecision(2)}`
}

export interface CostText {
  /** "$1.23", "~$1.23" (some usage estimated), or "unpriced" when nothing was priced. */
  amount: string
  estimated: boolean
  /** Billable requests with no price; shown beside the amount, never folded into $0. */
  unpriced: number
  /** Covered by a subscription: an API-equivalent value, not money billed. */
  covered?: boolean
  /** Priced requests with a billed unit the price table has no price for (issue 14): the amount
   *  is a lower bound; shown beside it. */
  partial?: number
}

/** Not in every answer: dashboards older than the field, and `top` reading them, leave it out. */
type PartialCount = Partial<Pick<Totals, 'partiallyPricedRequests'>>

/** Cost of an aggregate (Totals, BreakdownRow, TimeseriesPoint). */
export function costOfTotals(
  t: Pick<Totals, 'costUsd' | 'estimatedRequests' | 'unpricedRequests' | 'billableRequests'> &
    PartialCount,
): CostText {
  const estimated = t.estimatedRequests > 0
  const allUnpriced = t.unpricedRequests > 0 && t.unpricedRequests >= t.billableRequests
  const amount = allUnpriced ? 'unpriced' : `${estimated ? '~' : ''}${formatUsd(t.costUsd)}`
  const partial = t.partiallyPricedRequests ?? 0
  return { amount, estimated, unpriced: t.unpricedRequests, ...(partial > 0 ? { partial } : {}) }
}

/** Cost of one event: "unpriced" (billable, no price), "free" (not billable), "~$" estimated;
 *  `covered` when a subscription paid (the amount is then its API-equivalent value). */
export function costOfEvent(
  e: Pick<EventRow, 'costUsd' | 'billable' | 'usageSource' | 'billingKind'> & {
    unpricedUnits?: string[] | null | undefined
  },
): CostText {
  const estimated = e.usageSource === 'estimated'
  const covered = e.billingKind === 'subscription' ? { covered: true } : {}
  if (!e.billable) return { amount: 'free', estimated, unpriced: 0 }
  if (e.costUsd === null) return { amount: 'unpriced', estimated, unpriced: 1, ...covered }
  const partial = (e.unpricedUnits?.length ?? 0) > 0 ? { partial: 1 } : {}
  return {
    amount: `${estimated ? '~' : ''}${formatUsd(e.costUsd)}`,
    estimated,
    unpriced: 0,
    ...covered,
    ...partial,
  }
}

/** Time until an instant, coarse: "in 4 h 12 min", "in 3 d 2 h", "in 40 s", "now". */
export function formatUntil(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return 'now'
  const s = Math.round(ms / 1000)
  if (s < 60) return `in ${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `in ${m} min`
  const h = Math.floor(m / 60)
  if (h < 48) return `in ${h} h${m % 60 ? ` ${m % 60} min` : ''}`
  return `in ${Math.floor(h / 24)} d${h % 24 ? ` ${h % 24} h` : ''}`
}

/** A fraction used as a percentage: 0.834 → "83%", 0.004 → "0.4%", null → "—". */
export function formatPercent(used: number | null): string {
  if (used === null || !Number.isFinite(used)) return '—'
  const p = used * 100
  return p > 0 && p < 1 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`
}

// --- Billing kind (issue 16): billed spend apart from subscription value.

type SpendFields = Pick<
  Totals,
  | 'costUsd'
  | 'billedCostUsd'
  | 'subscriptionValueUsd'
  | 'subscriptionRequests'
  | 'estimatedRequests'
  | 'unpricedRequests'
  | 'billableRequests'
> &
  PartialCount

/** Billed spend of an aggregate: API keys, cloud accounts and unknown credentials. */
export function billedOfTotals(t: SpendFields): CostText {
  return costOfTotals({ ...t, costUsd: t.billedCostUsd })
}

/** API-equivalent value of an aggregate's subscription traffic ("what it would have cost"). */
export function valueOfTotals(t: SpendFields): CostText {
  const estimated = t.estimatedRequests > 0 && t.subscriptionValueUsd > 0
  return {
    amount: `${estimated ? '~' : ''}${formatUsd(t.subscriptionValueUsd)}`,
    estimated,
    unpriced: 0,
    covered: true,
  }
}

export const BILLING_LABELS: Record<BillingKind, string> = {
  api_key: 'API key',
  subscription: 'subscription',
  unknown: 'unknown',
}
