// Pure formatting for the pages: counts, token figures, money (with "~$" for estimated usage
// and an "unpriced" count, never a fake $0), durations and times in the viewer's time zone (through
// @tokentap/shared/time, the zone engine and formatter cache budget windows use too).

import { formatDateTime } from '@tokentap/shared/time'

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
}

/** Cost of an aggregate (Totals, BreakdownRow, TimeseriesPoint). */
export function costOfTotals(t: {
  costUsd: number
  estimatedRequests: number
  unpricedRequests: number
  billableRequests: number
}): CostText {
  const estimated = t.estimatedRequests > 0
  const allUnpriced = t.unpricedRequests > 0 && t.unpricedRequests >= t.billableRequests
  const amount = allUnpriced ? 'unpriced' : `${estimated ? '~' : ''}${formatUsd(t.costUsd)}`
  return { amount, estimated, unpriced: t.unpricedRequests }
}

/** Cost of one event: "unpriced" (billable, no price), "free" (not billable), "~$" estimated. */
export function costOfEvent(e: {
  costUsd: number | null
  billable: boolean
  usageSource: string
}): CostText {
  const estimated = e.usageSource === 'estimated'
  if (!e.billable) return { amount: 'free', estimated, unpriced: 0 }
  if (e.costUsd === null) return { amount: 'unpriced', estimated, unpriced: 1 }
  return { amount: `${estimated ? '~' : ''}${formatUsd(e.costUsd)}`, estimated, unpriced: 0 }
}

/** 850 → "850 ms", 12_300 → "12.3 s", 185_000 → "3 min 5 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1).replace(/\.0$/, '')} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${s % 60} s`
}

/** ISO instant → "2026-01-15 11:00:03" in `timeZone` ("—" for null or a bad date). */
export function formatTime(iso: string | Date | null, timeZone: string): string {
  if (iso === null) return '—'
  const ms = typeof iso === 'string' ? Date.parse(iso) : iso.getTime()
  return Number.isNaN(ms) ? '—' : formatDateTime(ms, timeZone)
}

/** Date only, "2026-01-15", in `timeZone`. */
export function formatDate(iso: string | Date, timeZone: string): string {
  return formatTime(iso, timeZone).slice(0, 10)
}

/** '' / null dimension values read "(none)". */
export const dimensionLabel = (v: string | null): string => (v === null || v === '' ? '(none)' : v)
