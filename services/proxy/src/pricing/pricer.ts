// Cost with provenance (docs/ARCHITECTURE.md §4, rule 7): one USD figure per exchange plus where it came from.
// Precedence: not billable → 0 "free"; credits → the configured credit price; a matching
// override (negotiated rate) → "override"; the provider's own reported cost → "provider";
// genai-prices at the request's time → "genai-prices"; else NULL "unpriced" — never 0.
//
// A pure function of what a record stores: provider, model, time, token buckets and billed units
// (tier, residency, speed, {kind: count}, other models' usage) — so a reprice from stored rows
// gives what the live path gave with the same tables. Units a table has no price for are listed
// in `unpricedUnits`: the cost is then the priced part (a lower bound, the source still names
// the table), or NULL when what is missing scales every token (an unpriced tier or speed).

import {
  type BilledUnits,
  type BilledUsage,
  SUB_USAGE_IN_BUCKETS,
  type SubUsage,
  type TokenBuckets,
} from '@tokentap/shared'
import { type Buckets, GENAI_PRICES_VERSION, genaiPrice } from './genai.ts'
import { GENAI_PROVIDER, modelAliases, priceLookups } from './models.ts'
import { count, roundUsd } from './money.ts'
import { type OverridePrice, overridePrice } from './override-cost.ts'
import {
  type CreditPriceOverride,
  globMatch,
  type ModelPriceOverride,
  type PriceOverrides,
} from './overrides.ts'
import { providerReportedCost } from './provider-cost.ts'
import { type Modifier, priceModifier } from './tiers.ts'
import { cleanUnits, genaiUnpriced } from './units.ts'

export type PriceSource =
  | 'free'
  | 'override'
  | 'provider'
  | 'genai-prices'
  | 'unpriced'
  | 'no-usage'

/** What pricing reads from a record (a UsageRecord fits). Token buckets as in docs/ARCHITECTURE.md §5:
 *  inputTokens is uncached input, outputTokens includes reasoning; billing as in billing.ts. */
export interface PriceInput extends TokenBuckets, Partial<BilledUsage> {
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
  /** What had no price (unit kinds, `service_tier:<tier>`, `speed:<speed>`, `<kind>:<model>`
   *  for another model's usage); null when everything was priced. */
  unpricedUnits: string[] | null
}

export interface Pricer {
  price(r: PriceInput): PriceResult
}

export interface PricerOptions {
  overrides?: PriceOverrides | null
  /** Clock used only when startedAt is not a valid date. */
  now?: () => Date
}

const FREE: PriceResult = {
  costUsd: 0,
  priceSource: 'free',
  priceVersion: null,
  unpricedUnits: null,
}

const result = (
  costUsd: number | null,
  priceSource: PriceSource,
  priceVersion: string | null,
  unpriced: string[] = [],
): PriceResult => ({
  costUsd,
  priceSource,
  priceVersion,
  unpricedUnits: unpriced.length > 0 ? unpriced : null,
})

/** Buckets with nulls as 0, or null when the record carries no token counts at all. */
function bucketsOf(r: TokenBuckets): Buckets | null {
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

const subBuckets = (s: SubUsage): Buckets => ({
  inputTokens: count(s.inputTokens),
  outputTokens: count(s.outputTokens),
  cacheReadTokens: count(s.cacheReadTokens),
  cacheWrite5mTokens: count(s.cacheWrite5mTokens),
  cacheWrite1hTokens: count(s.cacheWrite1hTokens),
  reasoningTokens: 0,
})

/** Stored sub-usage read defensively (a jsonb column). */
function subUsageOf(v: unknown): SubUsage[] {
  if (!Array.isArray(v)) return []
  return v.filter(
    (s): s is SubUsage =>
      typeof s === 'object' && s !== null && typeof (s as SubUsage).kind === 'string',
  )
}

function providerMatches(glob: string, provider: string): boolean {
  const alias = GENAI_PROVIDER[provider]
  return globMatch(glob, provider) || (alias !== undefined && globMatch(glob, alias))
}

/** A modifier glob matches the record's value ('' when not reported); absent matches all. */
const modifierMatches = (glob: string | undefined, value: string | null | undefined): boolean =>
  glob === undefined || globMatch(glob, value ?? '')

interface Target {
  provider: string
  model: string | null
  serviceTier?: string | null | undefined
  inferenceGeo?: string | null | undefined
  speed?: string | null | undefined
}

function findModelOverride(o: PriceOverrides, r: Target): ModelPriceOverride | null {
  if (r.model === null || o.models.length === 0) return null
  const names = modelAliases(r.provider, r.model)
  for (const m of o.models) {
    if (
      providerMatches(m.provider, r.provider) &&
      names.some((n) => globMatch(m.model, n)) &&
      modifierMatches(m.serviceTier, r.serviceTier) &&
      modifierMatches(m.inferenceGeo, r.inferenceGeo) &&
      modifierMatches(m.speed, r.speed)
    ) {
      return m
    }
  }
  return null
}

function findCreditPrice(o: PriceOverrides | null, provider: string): CreditPriceOverride | null {
  return o?.credits.find((c) => providerMatches(c.provider, provider)) ?? null
}

/** The buckets less the iterations counted in them (normally nothing is left). Cache writes are
 *  taken as one total (an iteration may report its writes without the 5m / 1h split), so no
 *  written token is priced twice; what is left keeps the record's 1h part first. */
function restOf(b: Buckets, its: SubUsage[]): Buckets {
  const parts = its.map(subBuckets)
  const less = (pick: (x: Buckets) => number) =>
    Math.max(0, pick(b) - parts.reduce((n, x) => n + pick(x), 0))
  const outputTokens = less((x) => x.outputTokens)
  const writes = less((x) => x.cacheWrite5mTokens + x.cacheWrite1hTokens)
  const write1h = Math.min(
    writes,
    less((x) => x.cacheWrite1hTokens),
  )
  return {
    inputTokens: less((x) => x.inputTokens),
    outputTokens,
    cacheReadTokens: less((x) => x.cacheReadTokens),
    cacheWrite5mTokens: writes - write1h,
    cacheWrite1hTokens: write1h,
    reasoningTokens: Math.min(b.reasoningTokens, outputTokens),
  }
}

/** Prices one model's buckets and units; null when the model has no price. */
type PriceOne = (model: string | null, b: Buckets, units: BilledUnits) => OverridePrice | null

/**
 * A record's price from its buckets, units and iterations. Without iterations: the buckets and
 * units at the record's model. With them: each iteration counted in the buckets priced on its
 * own (long-context tiers are per iteration) at its model, what the buckets hold beyond them
 * priced with the units; advisor iterations at the advisor's model; refused hops and unknown
 * kinds listed as unpriced. Null when the record's own model has no price.
 */
function priceWithIterations(
  r: PriceInput,
  b: Buckets,
  units: BilledUnits,
  one: PriceOne,
): { usd: number; unpriced: string[] } | null {
  const its = subUsageOf(r.subUsage)
  const inBuckets = its.filter((it) => SUB_USAGE_IN_BUCKETS.has(it.kind))
  const main = one(r.model, inBuckets.length > 0 ? restOf(b, inBuckets) : b, units)
  if (main === null) return null
  let usd = main.usd
  const unpriced = [...main.unpriced]
  for (const it of its) {
    const counted = SUB_USAGE_IN_BUCKETS.has(it.kind)
    const model = it.model ?? (counted ? r.model : null)
    const p = counted || it.kind === 'advisor_message' ? one(model, subBuckets(it), {}) : null
    if (p === null) unpriced.push(`${it.kind}:${model ?? 'unknown'}`)
    else usd += p.usd
  }
  return { usd, unpriced }
}

export function createPricer(opts: PricerOptions = {}): Pricer {
  const overrides = opts.overrides ?? null
  const now = opts.now ?? (() => new Date())

  /** Overrides first (an override is the whole negotiated price: no tier, residency or speed
   *  rule on top), else genai-prices scaled by the record's modifier. */
  function priceOne(r: PriceInput, mod: Modifier, at: Date): PriceOne {
    return (model, b, units) => {
      const m = overrides === null ? null : findModelOverride(overrides, { ...r, model })
      if (m !== null) return overridePrice(m, b, units, model)
      if ('unpriced' in mod) return null
      const p = genaiPrice(priceLookups(r.provider, model, r.host), b, units, at)
      if (p === null) return null
      return {
        usd: p.tokensUsd * mod.multiplier + p.otherUsd,
        unpriced: genaiUnpriced(units, p.priceKeys, model),
      }
    }
  }

  function price(r: PriceInput): PriceResult {
    if (!r.billable) return FREE
    if (r.credits !== null && Number.isFinite(r.credits)) {
      const c = findCreditPrice(overrides, r.provider)
      if (c === null || overrides === null) return result(null, 'unpriced', null)
      return result(roundUsd(count(r.credits) * c.usdPerCredit), 'override', overrides.version)
    }
    const b = bucketsOf(r)
    const started = new Date(r.startedAt)
    const at = Number.isNaN(started.getTime()) ? now() : started
    const units = cleanUnits(r.units)
    const mod = priceModifier(r)
    if (overrides !== null && b !== null && findModelOverride(overrides, r) !== null) {
      const total = priceWithIterations(r, b, units, priceOne(r, mod, at))
      if (total !== null) {
        return result(roundUsd(total.usd), 'override', overrides.version, total.unpriced)
      }
    }
    const reported = providerReportedCost(r.provider, r.rawUsage)
    if (reported !== null) return result(reported, 'provider', null)
    if (b === null) return result(null, 'no-usage', null)
    if ('unpriced' in mod) return result(null, 'unpriced', GENAI_PRICES_VERSION, [mod.unpriced])
    const total = priceWithIterations(r, b, units, priceOne(r, mod, at))
    if (total === null) return result(null, 'unpriced', GENAI_PRICES_VERSION)
    return result(roundUsd(total.usd), 'genai-prices', GENAI_PRICES_VERSION, total.unpriced)
  }

  return { price }
}
