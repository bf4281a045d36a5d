// A fixture for billed units (issue 14): a captured exchange in a provider's documented wire
// shape, the one record every chunking of it must give, and its price worked out by hand from
// the provider's published prices (never with the pricer).

import {
  type ExchangeMeta,
  emptyBilling,
  emptyBuckets,
  type ParsedUsage,
  type ProviderDialect,
} from '@tokentap/shared'
import type { BuiltinDialectName } from '../custom/config.ts'
import type { WireFormat } from '../table.ts'
import type { ReplayExchange } from './replay.ts'

export interface BillingFixture {
  name: string
  dialect: ProviderDialect
  /** The provider's wire format: what a reprice re-reads its stored raw_usage with. */
  format: WireFormat | BuiltinDialectName
  meta: ExchangeMeta
  exchange: ReplayExchange
  expected: ParsedUsage
  /** When the request was made (prices in force then). */
  startedAt: string
  /** USD by hand (null: unpriced) and what stays unpriced. */
  cost: number | null
  unpriced: string[] | null
}

/** USD from per-million prices: Σ tokens × $/MTok / 1e6, rounded like cost_usd (8 decimals). */
export const mtok = (...lines: Array<[number, number]>): number =>
  lines.reduce((sum, [n, p]) => sum + n * p, 0) / 1e6

export const usd = (x: number): number => Math.round(x * 1e8) / 1e8

const NORMALIZED_KEYS = Object.keys({ ...emptyBuckets(), ...emptyBilling() })

/** The buckets and billing of a usage (what a usage normaliser returns), missing ones null. */
export function billedPart(u: Partial<ParsedUsage> | null): Record<string, unknown> | null {
  if (u === null) return null
  return Object.fromEntries(NORMALIZED_KEYS.map((k) => [k, u[k as keyof ParsedUsage] ?? null]))
}
