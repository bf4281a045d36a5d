// USD for a record at an override's negotiated rates (TOKENTAP_PRICES, overrides.ts): token
// buckets at their per-million rates; modality parts (`perMTok`) re-priced from their bucket's
// rate to their own (a part without a price of its own stays at its bucket's rate); count units
// at `perUnit`, a documented-free unit at $0, any other unit listed as unpriced. Unrounded: the
// pricer rounds once, after adding every part. Pure.

import type { BilledUnits } from '@tokentap/shared'
import type { Buckets } from './genai.ts'
import { count } from './money.ts'
import type { ModelPriceOverride } from './overrides.ts'
import { isFreeUnit, isTokenUnit } from './units.ts'

/** A price before rounding, and the units it could not price. */
export interface OverridePrice {
  usd: number
  unpriced: string[]
}

const MODALITIES = ['audio', 'image', 'video'] as const

export function overridePrice(
  m: ModelPriceOverride,
  b: Buckets,
  units: BilledUnits,
  model: string | null,
): OverridePrice {
  const input = m.inputPerMTok
  const read = m.cacheReadPerMTok ?? input
  const write5m = m.cacheWrite5mPerMTok ?? input
  const write1h = m.cacheWrite1hPerMTok ?? write5m
  let perM =
    b.inputTokens * input +
    b.outputTokens * m.outputPerMTok +
    b.cacheReadTokens * read +
    b.cacheWrite5mTokens * write5m +
    b.cacheWrite1hTokens * write1h
  const own = m.perMTok ?? {}
  for (const x of MODALITIES) {
    const cached = Math.min(count(units[`cache_${x}_read_tokens`]), b.cacheReadTokens)
    const uncached = Math.min(
      Math.max(0, count(units[`input_${x}_tokens`]) - cached),
      b.inputTokens,
    )
    const output = Math.min(count(units[`output_${x}_tokens`]), b.outputTokens)
    const inputRate = own[`input_${x}_tokens`]
    const readRate = own[`cache_${x}_read_tokens`]
    const outputRate = own[`output_${x}_tokens`]
    if (inputRate !== undefined) perM += uncached * (inputRate - input)
    if (readRate !== undefined) perM += cached * (readRate - read)
    if (outputRate !== undefined) perM += output * (outputRate - m.outputPerMTok)
  }
  let usd = perM / 1e6
  const unpriced: string[] = []
  for (const [kind, n] of Object.entries(units)) {
    if (isTokenUnit(kind)) continue
    const each = m.perUnit?.[kind]
    if (each !== undefined) usd += count(n) * each
    else if (!isFreeUnit(kind, model)) unpriced.push(kind)
  }
  return { usd, unpriced: unpriced.sort() }
}
