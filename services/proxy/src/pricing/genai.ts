// The call into @pydantic/genai-prices (bundled data, offline; never auto-updated here so the
// version below names the exact table used). Its `input_tokens` is the TOTAL input — uncached +
// cache read + cache write — with the cache buckets as partitions of it; the 200k-token tiers
// are chosen on that total, which is how Anthropic and Google define long-context pricing.
// Billed units (units.ts) are passed as genai-prices usage keys: modality tokens as parts of
// their buckets, web and storage searches per 1,000; the price it returns is split into its
// token part (what tier and residency multipliers scale) and the rest (tool fees, request fees).

import { calcPrice, type Provider, type Usage } from '@pydantic/genai-prices'
import type { BilledUnits, TokenBuckets } from '@tokentap/shared'
import { Lru } from './lru.ts'
import type { PriceLookup } from './models.ts'
import { count } from './money.ts'
import {
  applyPlan,
  type CountUsage,
  type Evaluate,
  learnPlan,
  type Plan,
  ZERO_BUCKETS,
} from './rate-card.ts'
import { addUnitUsage, isTokenUnit } from './units.ts'

/** The table's version (defined in @tokentap/shared, which the dashboard shows it from). */
export { GENAI_PRICES_VERSION } from '@tokentap/shared'

/** The token buckets with every count known (missing counts are 0 here). */
export type Buckets = { [K in keyof TokenBuckets]: number }

const MODALITIES = (['audio', 'image', 'video'] as const).map((m) => ({
  input: `input_${m}_tokens`,
  cached: `cache_${m}_read_tokens`,
  output: `output_${m}_tokens`,
}))

/** Modality parts clamped to their parents, so inconsistent reports never make genai-prices throw
 *  ("more-specific usage … exceeds"): each part ≤ its parent, the parts together ≤ the parent, a
 *  cached part ≤ both the cache reads and its modality's input (which it then implies). */
function modalityParts(usage: Usage, total: number, read: number, output: number): void {
  let inputLeft = total
  let readLeft = read
  let outputLeft = output
  for (const m of MODALITIES) {
    const cached = Math.min(count(usage[m.cached]), readLeft)
    const input = Math.min(Math.max(count(usage[m.input]), cached), inputLeft)
    const cachedPart = Math.min(cached, input)
    if (usage[m.input] !== undefined || input > 0) usage[m.input] = input
    if (usage[m.cached] !== undefined) usage[m.cached] = cachedPart
    inputLeft -= input
    readLeft -= cachedPart
    if (usage[m.output] !== undefined) {
      const part = Math.min(count(usage[m.output]), outputLeft)
      usage[m.output] = part
      outputLeft -= part
    }
  }
}

/** Our buckets (input = uncached) and units in genai-prices' shape (input = total). */
export function toGenaiUsage(b: Buckets, units: BilledUnits = {}): Usage {
  const writes = b.cacheWrite5mTokens + b.cacheWrite1hTokens
  const total = b.inputTokens + b.cacheReadTokens + writes
  const usage: Usage = {
    input_tokens: total,
    cache_read_tokens: b.cacheReadTokens,
    // cache_write_tokens is the parent of the 5m/1h split: models priced only with
    // cache_write_mtok charge all writes at it; with cache_write_1h_mtok the 1h part gets that.
    cache_write_tokens: writes,
    cache_write_5m_tokens: b.cacheWrite5mTokens,
    cache_write_1h_tokens: b.cacheWrite1hTokens,
    output_tokens: b.outputTokens,
    // Part of output_tokens; only priced apart for the few models with output_reasoning_mtok.
    output_reasoning_tokens: Math.min(count(b.reasoningTokens), b.outputTokens),
  }
  if (addUnitUsage(usage, units)) modalityParts(usage, total, b.cacheReadTokens, b.outputTokens)
  return usage
}

/**
 * Finding a model among every provider's models is most of calcPrice's cost (~50 µs); the
 * match for a look-up never changes, so it is remembered as a provider holding just that model
 * (null: not priced). Prices by date, tiers and the arithmetic still run per call.
 */
const matched = new Map<string, Provider | null>()
const MATCHED_MAX = 4096

function lookupKey(l: PriceLookup): string {
  return 'providerId' in l ? `id:${l.providerId}|${l.model}` : `url:${l.providerApiUrl}|${l.model}`
}

function calcFor(l: PriceLookup, usage: Usage, at: Date) {
  const key = lookupKey(l)
  const known = matched.get(key)
  if (known === null) return null
  if (known !== undefined) return calcPrice(usage, l.model, { provider: known, timestamp: at })
  const r =
    'providerId' in l
      ? calcPrice(usage, l.model, { providerId: l.providerId, timestamp: at })
      : calcPrice(usage, l.model, { providerApiUrl: l.providerApiUrl, timestamp: at })
  if (matched.size >= MATCHED_MAX) matched.clear()
  matched.set(key, r === null ? null : { ...r.provider, models: [r.model] })
  return r
}

/** The price keys of a model price (one Set per price object: tables are immutable). */
const keysOf = new WeakMap<object, ReadonlySet<string>>()
function priceKeys(price: object): ReadonlySet<string> {
  let keys = keysOf.get(price)
  if (keys === undefined) {
    keys = new Set(Object.keys(price))
    keysOf.set(price, keys)
  }
  return keys
}

/** A genai-prices price, unrounded: tokens (input + output directions) and the rest. */
export interface GenaiPrice {
  tokensUsd: number
  otherUsd: number
  /** The price keys of the model price in force (which units it can price). */
  priceKeys: ReadonlySet<string>
}

/**
 * The memo (rate-card.ts): per (look-up, minute) the model price in force — the tables change
 * prices on dates and at whole-minute times of day — and per price object its plan. A card is
 * null when the look-up has no price; a plan is 'direct' when it could not be learnt (malformed
 * data: those records take genai-prices' own path, and its error).
 */
interface Card {
  provider: Provider
  model: Provider['models'][number]
  price: Record<string, unknown>
}
const cards = new Lru<string, Card | null>(1024)
const plans = new WeakMap<object, Plan | 'direct'>()
const MINUTE_MS = 60_000

function cardFor(l: PriceLookup, at: Date): Card | null {
  const key = `${lookupKey(l)}|${Math.floor(at.getTime() / MINUTE_MS)}`
  const known = cards.get(key)
  if (known !== undefined) return known
  const r = calcFor(l, toGenaiUsage(ZERO_BUCKETS), at)
  const price = r?.model_price as Record<string, unknown> | undefined
  const card =
    r === null || price === undefined ? null : { provider: r.provider, model: r.model, price }
  cards.set(key, card)
  return card
}

function planFor(l: PriceLookup, card: Card, at: Date): Plan | 'direct' {
  const known = plans.get(card.price)
  if (known !== undefined) return known
  const evaluate: Evaluate = (prices, b, counts) => {
    const provider = { ...card.provider, models: [{ ...card.model, prices }] } as Provider
    const r = calcPrice({ ...toGenaiUsage(b), ...counts }, l.model, { provider, timestamp: at })
    return r === null
      ? null
      : { input: r.input_price, output: r.output_price, total: r.total_price }
  }
  let plan: Plan | 'direct'
  try {
    plan = learnPlan(card.price, evaluate) ?? 'direct'
  } catch {
    plan = 'direct'
  }
  plans.set(card.price, plan)
  return plan
}

/** Count units as genai-prices usage keys, or null when a token unit needs the direct path. */
function countUsage(units: BilledUnits): CountUsage | null {
  const usage: Usage = {}
  for (const kind in units) if (isTokenUnit(kind)) return null
  addUnitUsage(usage, units)
  return usage as CountUsage
}

/** One look-up through its card; undefined = take genai-prices' own path. */
function quoteFromCard(
  l: PriceLookup,
  b: Buckets,
  counts: CountUsage,
  at: Date,
): GenaiPrice | null | undefined {
  const card = cardFor(l, at)
  if (card === null) return null
  const plan = planFor(l, card, at)
  if (plan === 'direct') return undefined
  const sums = applyPlan(plan, card.price, b, counts)
  const tokensUsd = sums.input + sums.output
  return { tokensUsd, otherUsd: sums.total - tokensUsd, priceKeys: priceKeys(card.price) }
}

function quoteDirect(l: PriceLookup, usage: Usage, at: Date): GenaiPrice | null {
  const r = calcFor(l, usage, at)
  if (r === null || !Number.isFinite(r.total_price)) return null
  const tokensUsd = r.input_price + r.output_price
  return { tokensUsd, otherUsd: r.total_price - tokensUsd, priceKeys: priceKeys(r.model_price) }
}

/** The price from the first look-up genai-prices knows, else null. Never throws. Records
 *  without modality token units go through the memo; those with them (clamped parts) and
 *  look-ups whose data could not be probed call genai-prices each time. */
export function genaiPrice(
  lookups: readonly PriceLookup[],
  b: Buckets,
  units: BilledUnits,
  at: Date,
): GenaiPrice | null {
  const counts = countUsage(units)
  for (const l of lookups) {
    try {
      let p = counts === null ? undefined : quoteFromCard(l, b, counts, at)
      if (p === undefined) p = quoteDirect(l, toGenaiUsage(b, units), at)
      if (p !== null && Number.isFinite(p.tokensUsd + p.otherUsd)) return p
    } catch {
      // Malformed price data for one model must not break the record: try the next spelling.
    }
  }
  return null
}

/** The same price without the memo: genai-prices' own arithmetic (tests compare the two). */
export function genaiPriceDirect(
  lookups: readonly PriceLookup[],
  b: Buckets,
  units: BilledUnits,
  at: Date,
): GenaiPrice | null {
  for (const l of lookups) {
    try {
      const p = quoteDirect(l, toGenaiUsage(b, units), at)
      if (p !== null) return p
    } catch {
      // as above
    }
  }
  return null
}
