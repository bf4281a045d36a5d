// Cost with provenance (docs/ARCHITECTURE.md §4, rule 7): one USD figure per exchange plus where it came from.
// Precedence: not billable → 0 "free"; credits → the configured credit price; a matching
// override (negotiated rate) → "override"; the provider's own reported cost → "provider";
// genai-prices at the request's time → "genai-prices"; else NULL "unpriced" — never 0.

import type { TokenBuckets } from '@tokentap/shared'
import { type Buckets, GENAI_PRICES_VERSION, genaiCost } from './genai.ts'
import { GENAI_PROVIDER, modelAliases, priceLookups } from './models.ts'
import { count, perMTokCost, roundUsd } from './money.ts'
import {
  type CreditPriceOverride,
  globMatch,
  type ModelPriceOverride,
  type PriceOverrides,
} from './overrides.ts'
import { providerReportedCost } from './provider-cost.ts'

export type PriceSource =
  | 'free'
  | 'override'
  | 'provider'
  | 'genai-prices'
  | 'unpriced'
  | 'no-usage'

/** What pricing reads from a record (a UsageRecord fits). Token buckets as in docs/ARCHITECTURE.md §5:
 *  inputTokens is uncached input, outputTokens includes reasoning. */
export interface PriceInput extends TokenBuckets {
  provider: string
  model: string | null
  host?: string | undefined
  /** ISO time of the request: prices in force then are used. */
  startedAt: string
  credits: number | null
  billable: boolean
  rawUsage?: unknown
}

export interface PriceResult {
  /** USD rounded to 8 decimals; null when unknown (never 0 for unknown). */
  costUsd: number | null
  priceSource: PriceSource
  /** The price table: `genai-prices@x.y.z`, `overrides:<hash>`, or null (free, provider). */
  priceVersion: string | null
}

export interface Pricer {
  price(r: PriceInput): PriceResult
}

export interface PricerOptions {
  overrides?: PriceOverrides | null
  /** Clock used only when startedAt is not a valid date. */
  now?: () => Date
}

const FREE: PriceResult = { costUsd: 0, priceSource: 'free', priceVersion: null }

/** Buckets with nulls as 0, or null when the record carries no token counts at all. */
function bucketsOf(r: PriceInput): Buckets | null {
  const all = [
    r.inputTokens,
    r.outputTokens,
    r.cacheReadTokens,
    r.cacheWrite5mTokens,
    r.cacheWrite1hTokens,
  ]
  if (all.every((v) => v === null || v === undefined)) return null
  return {
    inputTokens: count(r.inputTokens),
    outputTokens: count(r.outputTokens),
    cacheReadTokens: count(r.cacheReadTokens),
    cacheWrite5mTokens: count(r.cacheWrite5mTokens),
    cacheWrite1hTokens: count(r.cacheWrite1hTokens),
    reasoningTokens: count(r.reasoningTokens),
  }
}

function providerMatches(glob: string, provider: string): boolean {
  const alias = GENAI_PROVIDER[provider]
  return globMatch(glob, provider) || (alias !== undefined && globMatch(glob, alias))
}

function findModelOverride(o: PriceOverrides, r: PriceInput): ModelPriceOverride | null {
  if (r.model === null || o.models.length === 0) return null
  const names = modelAliases(r.provider, r.model)
  for (const m of o.models) {
    if (providerMatches(m.provider, r.provider) && names.some((n) => globMatch(m.model, n))) {
      return m
    }
  }
  return null
}

function findCreditPrice(o: PriceOverrides | null, provider: string): CreditPriceOverride | null {
  return o?.credits.find((c) => providerMatches(c.provider, provider)) ?? null
}

/** USD for buckets at an override's per-million-token rates. */
export function overrideCost(m: ModelPriceOverride, b: Buckets): number {
  const read = m.cacheReadPerMTok ?? m.inputPerMTok
  const write5m = m.cacheWrite5mPerMTok ?? m.inputPerMTok
  const write1h = m.cacheWrite1hPerMTok ?? write5m
  return perMTokCost([
    [b.inputTokens, m.inputPerMTok],
    [b.outputTokens, m.outputPerMTok],
    [b.cacheReadTokens, read],
    [b.cacheWrite5mTokens, write5m],
    [b.cacheWrite1hTokens, write1h],
  ])
}

export function createPricer(opts: PricerOptions = {}): Pricer {
  const overrides = opts.overrides ?? null
  const now = opts.now ?? (() => new Date())

  function price(r: PriceInput): PriceResult {
    if (!r.billable) return FREE
    if (r.credits !== null && Number.isFinite(r.credits)) {
      const c = findCreditPrice(overrides, r.provider)
      if (c === null || overrides === null) {
        return { costUsd: null, priceSource: 'unpriced', priceVersion: null }
      }
      const usd = roundUsd(count(r.credits) * c.usdPerCredit)
      return { costUsd: usd, priceSource: 'override', priceVersion: overrides.version }
    }
    const b = bucketsOf(r)
    const m = overrides !== null && b !== null ? findModelOverride(overrides, r) : null
    if (m !== null && b !== null && overrides !== null) {
      return {
        costUsd: overrideCost(m, b),
        priceSource: 'override',
        priceVersion: overrides.version,
      }
    }
    const reported = providerReportedCost(r.provider, r.rawUsage)
    if (reported !== null) return { costUsd: reported, priceSource: 'provider', priceVersion: null }
    if (b === null) return { costUsd: null, priceSource: 'no-usage', priceVersion: null }
    const at = new Date(r.startedAt)
    const when = Number.isNaN(at.getTime()) ? now() : at
    const usd = genaiCost(priceLookups(r.provider, r.model, r.host), b, when)
    return usd === null
      ? { costUsd: null, priceSource: 'unpriced', priceVersion: GENAI_PRICES_VERSION }
      : { costUsd: usd, priceSource: 'genai-prices', priceVersion: GENAI_PRICES_VERSION }
  }

  return { price }
}
