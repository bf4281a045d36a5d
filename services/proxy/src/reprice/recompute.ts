// One stored row repriced (`tokentap reprice`), pure: its raw_usage re-read with the per-dialect
// normalisers the live parser runs (providers/normalize.ts), then priced with the current tables
// (pricing/pricer.ts) exactly as the record pipeline prices a new record. A row keeps its stored
// buckets when its usage cannot be re-read: no raw_usage, a format without token usage (Amazon
// Q credits, field-map providers), or usage we did not take from the provider alone (estimated
// rows: the tokenizer filled them in; rows without provider usage).
//
// A bucket the re-read gives as 0 where the row stored NULL (or back) is left as stored: the same
// count, and sums skip NULL. Everything else the re-read gives replaces what is stored, so a row
// recorded before a field was read (thinking tokens, server tool uses, tiers) gains it.

import {
  type BilledUnitColumns,
  type BilledUsage,
  BUCKET_KEYS,
  type TokenBuckets,
  type UsageSource,
  unitColumns,
} from '@tokentap/shared'
import type { Pricer } from '../pricing/index.ts'
import { normalizeStoredUsage } from '../providers/normalize.ts'
import type { StoredFormat } from './formats.ts'

/** What a reprice reads and may rewrite of a usage_events row. */
export interface StoredRow extends TokenBuckets, BilledUsage, BilledUnitColumns {
  id: string
  /** ISO 8601 UTC with microseconds (the row's key together with id). */
  startedAt: string
  provider: string
  host: string
  model: string | null
  billable: boolean
  usageSource: UsageSource
  credits: number | null
  rawUsage: unknown
  costUsd: number | null
  priceSource: string | null
  priceVersion: string | null
  unpricedUnits: string[] | null
}

export interface Recomputed {
  /** The row as it should be stored now (the input when nothing changed). */
  row: StoredRow
  changed: boolean
  /** Its buckets or billed units changed (a re-read of raw_usage found something new). */
  reread: boolean
}

export interface RecomputeDeps {
  pricer: Pricer
  formatOf: (provider: string) => StoredFormat | null
}

const BUCKETS = BUCKET_KEYS

/** Usage taken from the provider alone (not filled in by our tokenizer). */
const REREAD_SOURCES: ReadonlySet<UsageSource> = new Set(['provider', 'partial'])

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)
/** Units in a stable key order, so equal maps compare equal. */
const sorted = <T extends object>(o: T | null): T | null =>
  o === null
    ? null
    : (Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1))) as T)

/** The row with its usage re-read from raw_usage, or the row itself when it cannot be. */
function reread(r: StoredRow, formatOf: RecomputeDeps['formatOf']): StoredRow {
  if (!r.billable || !REREAD_SOURCES.has(r.usageSource) || r.credits !== null) return r
  const format = formatOf(r.provider)
  if (format === null) return r
  const again = normalizeStoredUsage(format, r.rawUsage, {
    serviceTier: r.serviceTier,
    units: r.units,
  })
  if (again === null) return r
  const next: StoredRow = { ...r }
  for (const k of BUCKETS) {
    if ((again[k] ?? 0) !== (r[k] ?? 0)) next[k] = again[k]
  }
  next.serviceTier = again.serviceTier ?? r.serviceTier
  next.inferenceGeo = again.inferenceGeo ?? r.inferenceGeo
  next.speed = again.speed ?? r.speed
  next.units = sorted(again.units)
  next.subUsage = again.subUsage ?? r.subUsage
  return { ...next, ...unitColumns(next.units) }
}

const moneyUnits = (usd: number | null): number | null =>
  usd === null ? null : Math.round(usd * 1e8)

const bucketsDiffer = (a: StoredRow, b: StoredRow): boolean => BUCKETS.some((k) => a[k] !== b[k])

function billingDiffers(a: StoredRow, b: StoredRow): boolean {
  return (
    a.serviceTier !== b.serviceTier ||
    a.inferenceGeo !== b.inferenceGeo ||
    a.speed !== b.speed ||
    !same(sorted(a.units), sorted(b.units)) ||
    !same(a.subUsage, b.subUsage) ||
    a.audioInputTokens !== b.audioInputTokens ||
    a.audioOutputTokens !== b.audioOutputTokens ||
    a.webSearches !== b.webSearches
  )
}

function priceDiffers(a: StoredRow, b: StoredRow): boolean {
  return (
    moneyUnits(a.costUsd) !== moneyUnits(b.costUsd) ||
    a.priceSource !== b.priceSource ||
    a.priceVersion !== b.priceVersion ||
    !same(a.unpricedUnits, b.unpricedUnits)
  )
}

/** The instant as the record pipeline priced it (milliseconds; Date reads no more digits). */
const millis = (iso: string): string => iso.replace(/(\.\d{3})\d+Z$/, '$1Z')

/** Reprices one row. Throws what the pricer throws (the caller leaves that row as it is). */
export function createRecompute(deps: RecomputeDeps): (r: StoredRow) => Recomputed {
  return (r) => {
    const usage = reread(r, deps.formatOf)
    const price = deps.pricer.price({ ...usage, startedAt: millis(usage.startedAt) })
    const row: StoredRow = { ...usage, ...price }
    const rereadChanged = bucketsDiffer(usage, r) || billingDiffers(usage, r)
    if (!rereadChanged && !priceDiffers(row, r)) return { row: r, changed: false, reread: false }
    return { row, changed: true, reread: rereadChanged }
  }
}
