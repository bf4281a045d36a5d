// Cost with provenance (DESIGN.md rule 7): one USD figure per exchange plus where it came from.
// Precedence: not billable → 0 "free"; credits → the configured credit price; a matching
// override (negotiated rate) → "override"; the provider's own reported cost → "provider";
// genai-prices at the request's time → "genai-prices"; else NULL "unpriced" — never 0.
//
// A pure function of what a record stores: provider, model, time, token buckets and billed units
// (tier, residency, speed, {kind: count}, other models' usage) — so a reprice from stored rows
// gives what the live path gave with the same tables. Units a table has no price for are listed
// in `unpricedUnits`: the cost is then the priced part (a lower bound, the source still names
// the table), or NULL when what is missing scales every token (an unpriced tier or speed).

import type { BilledUnits, BilledUsage, SubUsage, TokenBuckets } from '@tokentap/shared'
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

/** What pricing reads from a record (a UsageRecord fits). Token buckets as in DESIGN.md:
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

export function createPricer(opts: PricerOptions = {}): Pricer {
  const overrides = opts.overrides ?? null
  const now = opts.now ?? (() => new Date())

  /** genai-prices for one model's buckets and units, scaled by the record's modifier. */
  function genai(
    r: PriceInput,
    model: string | null,
    b: Buckets,
    units: BilledUnits,
    mod: { multiplier: number },
    at: Date,
  ): OverridePrice | null {
    const p = genaiPrice(priceLookups(r.provider, model, r.host), b, units, at)
    if (p === null) return null
    return {
      usd: p.tokensUsd * mod.multiplier + p.otherUsd,
      unpriced: genaiUnpriced(units, p.priceKeys, model),
    }
  }

  /** Another model's usage inside the exchange (advisor iterations): its own override or table
   *  price; hops refused before a fallback are not priced (their billing is not documented). */
  function priceSub(r: PriceInput, s: SubUsage, mod: Modifier, at: Date): number | null {
    if (s.kind !== 'advisor_message' || 'unpriced' in mod) return null
    const target = { ...r, model: s.model }
    const m = overrides === null ? null : findModelOverride(overrides, target)
    if (m !== null) return overridePrice(m, subBuckets(s), {}, s.model).usd
    return genai(r, s.model, subBuckets(s), {}, mod, at)?.usd ?? null
  }

  /** The record's other-model usage added to a main price: priced ones added, others listed. */
  function withSubs(
    r: PriceInput,
    main: OverridePrice,
    mod: Modifier,
    at: Date,
  ): { usd: number; unpriced: string[] } {
    let usd = main.usd
    const unpriced = [...main.unpriced]
    for (const s of subUsageOf(r.subUsage)) {
      const sub = priceSub(r, s, mod, at)
      if (sub === null) unpriced.push(`${s.kind}:${s.model ?? 'unknown'}`)
      else usd += sub
    }
    return { usd, unpriced }
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
    const m = overrides !== null && b !== null ? findModelOverride(overrides, r) : null
    if (m !== null && b !== null && overrides !== null) {
      // An override is the whole negotiated price: no tier, residency or speed rule on top.
      const total = withSubs(r, overridePrice(m, b, units, r.model), { multiplier: 1 }, at)
      return result(roundUsd(total.usd), 'override', overrides.version, total.unpriced)
    }
    const reported = providerReportedCost(r.provider, r.rawUsage)
    if (reported !== null) return result(reported, 'provider', null)
    if (b === null) return result(null, 'no-usage', null)
    const mod = priceModifier(r)
    if ('unpriced' in mod) return result(null, 'unpriced', GENAI_PRICES_VERSION, [mod.unpriced])
    const main = genai(r, r.model, b, units, mod, at)
    if (main === null) return result(null, 'unpriced', GENAI_PRICES_VERSION)
    const total = withSubs(r, main, mod, at)
    return result(roundUsd(total.usd), 'genai-prices', GENAI_PRICES_VERSION, total.unpriced)
  }

  return { price }
}
