// Price plans: genai-prices' arithmetic replayed without its per-call set-up. For one model price
// (the object in force at a time), each price key's leaf — the usage it charges, after the more
// specific keys took their part — is a fixed integer combination of the token buckets and count
// units, and each key charges rate × leaf / per into one direction. The plan learns those
// combinations, pers and directions ONCE by asking genai-prices itself with probe prices (one
// key at rate 1, the others 0), then prices every record with the same operations in the same
// order as genai-prices (its tier choice, its division order, its sums), so the result is the
// very same double. genai.ts keeps the plans beside the model price objects. Pure.

import type { Buckets } from './genai.ts'

/** What genai-prices returns for one usage: its input, output and total price. */
export interface Sums {
  input: number
  output: number
  total: number
}

/** Buckets then count-unit usage keys: the coordinates of a record. */
const BUCKET_KEYS = [
  'inputTokens',
  'cacheReadTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'outputTokens',
  'reasoningTokens',
] as const satisfies readonly (keyof Buckets)[]

/** The count-unit usage keys a plan prices (units.ts COUNT_KEYS values). */
export const COUNT_USAGE_KEYS = ['web_searches', 'storage_searches'] as const
export type CountUsage = Partial<Record<(typeof COUNT_USAGE_KEYS)[number], number>>

const PROBE = 1_000_000

export const ZERO_BUCKETS: Buckets = {
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
}

/** genai-prices with `prices` as the model's price, at one usage; null: no price at all. */
export type Evaluate = (
  prices: Record<string, unknown>,
  b: Buckets,
  counts: CountUsage,
) => Sums | null

interface Step {
  key: string
  direction: 'input' | 'output' | 'other'
  per: number
  /** The leaf: constant + Σ coef × coordinate (coordinates: BUCKET_KEYS, COUNT_USAGE_KEYS). */
  constant: number
  coefs: [index: number, coef: number][]
}

export interface Plan {
  steps: Step[]
}

/** The coordinates of a record (reasoning clamped to output, as toGenaiUsage does). */
function coordinates(b: Buckets, counts: CountUsage): number[] {
  return [
    b.inputTokens,
    b.cacheReadTokens,
    b.cacheWrite5mTokens,
    b.cacheWrite1hTokens,
    b.outputTokens,
    Math.min(b.reasoningTokens, b.outputTokens),
    ...COUNT_USAGE_KEYS.map((k) => counts[k] ?? 0),
  ]
}

function probe(i: number): { b: Buckets; counts: CountUsage } {
  if (i < BUCKET_KEYS.length) {
    const k = BUCKET_KEYS[i]!
    // reasoning is a part of output: probed with output beside it (its coefficient is what it
    // moves between the output leaves).
    const b = { ...ZERO_BUCKETS, [k]: PROBE }
    if (k === 'reasoningTokens') b.outputTokens = PROBE
    return { b, counts: {} }
  }
  return { b: ZERO_BUCKETS, counts: { [COUNT_USAGE_KEYS[i - BUCKET_KEYS.length]!]: PROBE } }
}

const COORDS = BUCKET_KEYS.length + COUNT_USAGE_KEYS.length

/** Learns a model price's plan; null when genai-prices has no price for it. Throws when a
 *  probe does not read as a plan (the caller then takes genai-prices' own path). */
export function learnPlan(price: Readonly<Record<string, unknown>>, f: Evaluate): Plan | null {
  const keys = Object.keys(price).filter((k) => price[k] !== undefined)
  if (f(zeroPrices(keys), ZERO_BUCKETS, {}) === null) return null
  const steps: Step[] = []
  for (const key of keys) {
    const prices = { ...zeroPrices(keys), [key]: 1 }
    const at = (b: Buckets, counts: CountUsage): Sums => {
      const s = f(prices, b, counts)
      if (s === null) throw new Error(`price key ${key}: no price while probing`)
      return s
    }
    const zero = at(ZERO_BUCKETS, {})
    const raw: number[] = []
    for (let i = 0; i < COORDS; i++) {
      const p = probe(i)
      let v = at(p.b, p.counts).total - zero.total
      // reasoning was probed on top of output: take output's share away.
      if (i === BUCKET_KEYS.indexOf('reasoningTokens'))
        v -= raw[BUCKET_KEYS.indexOf('outputTokens')]!
      raw.push(v)
    }
    const moved = raw.filter((v) => v !== 0).map(Math.abs)
    if (zero.total === 0 && moved.length === 0) continue // a key with no unit: never charged
    // total = 1 × leaf / per: a probe of PROBE moves it by coef × PROBE / per.
    const per =
      moved.length > 0 ? Math.round(PROBE / Math.min(...moved)) : Math.round(1 / zero.total)
    const coefs: [number, number][] = []
    raw.forEach((v, i) => {
      const c = Math.round((v * per) / PROBE)
      if (c !== 0) coefs.push([i, c])
    })
    const probeSums =
      zero.total !== 0 ? zero : at(probe(coefs[0]![0]).b, probe(coefs[0]![0]).counts)
    const direction =
      probeSums.input !== 0 ? 'input' : probeSums.output !== 0 ? 'output' : ('other' as const)
    steps.push({ key, direction, per, constant: Math.round(zero.total * per), coefs })
  }
  return { steps }
}

function zeroPrices(keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = 0
  return out
}

interface Tiered {
  base: number
  tiers: { start: number; price: number }[]
}

const isTiered = (v: unknown): v is Tiered =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Tiered).base === 'number' &&
  Array.isArray((v as Tiered).tiers)

/** Sorted once per price object, as genai-prices' TieredPrices sorts them. */
const sortedTiers = new WeakMap<Tiered, Tiered['tiers']>()
function tiersOf(t: Tiered): Tiered['tiers'] {
  let s = sortedTiers.get(t)
  if (s === undefined) {
    s = [...t.tiers].sort((a, b) => a.start - b.start)
    sortedTiers.set(t, s)
  }
  return s
}

/** A record's price by the plan, with `price`'s rates: genai-prices' operations in its order. */
export function applyPlan(
  plan: Plan,
  price: Readonly<Record<string, unknown>>,
  b: Buckets,
  counts: CountUsage,
): Sums {
  const x = coordinates(b, counts)
  // Tiers are chosen on the total input (input_tokens in genai-prices' usage).
  const totalInput = b.inputTokens + b.cacheReadTokens + b.cacheWrite5mTokens + b.cacheWrite1hTokens
  let input = 0
  let output = 0
  let other = 0
  for (const s of plan.steps) {
    let leaf = s.constant
    for (const [i, c] of s.coefs) leaf += c * x[i]!
    const rate = price[s.key]
    let v: number
    if (typeof rate === 'number') v = (rate * leaf) / s.per
    else if (isTiered(rate)) {
      let r = rate.base
      for (const t of tiersOf(rate)) if (totalInput > t.start) r = t.price
      v = leaf <= 0 ? 0 : (((r * leaf) / 1e6) * 1e6) / s.per
    } else continue
    if (s.direction === 'input') input += v
    else if (s.direction === 'output') output += v
    else other += v
  }
  return { input, output, total: input + output + other }
}
