// The call into @pydantic/genai-prices (bundled data, offline; never auto-updated here so the
// version below names the exact table used). Its `input_tokens` is the TOTAL input — uncached +
// cache read + cache write — with the cache buckets as partitions of it; the 200k-token tiers
// are chosen on that total, which is how Anthropic and Google define long-context pricing.

import { calcPrice, type Provider, type Usage } from '@pydantic/genai-prices'
import type { PriceLookup } from './models.ts'
import { count, roundUsd } from './money.ts'

/** Pinned in services/proxy/package.json; a test checks it against the installed package. The
 *  package exposes no data date, so its version is the price table's version. */
export const GENAI_PRICES_VERSION = 'genai-prices@0.1.8'

export interface Buckets {
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
  reasoningTokens: number
}

/** Our buckets (input = uncached) in genai-prices' shape (input = total). */
export function toGenaiUsage(b: Buckets): Usage {
  const writes = b.cacheWrite5mTokens + b.cacheWrite1hTokens
  return {
    input_tokens: b.inputTokens + b.cacheReadTokens + writes,
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

/** USD from the first look-up genai-prices knows, else null. Never throws. */
export function genaiCost(lookups: PriceLookup[], b: Buckets, at: Date): number | null {
  const usage = toGenaiUsage(b)
  for (const l of lookups) {
    try {
      const r = calcFor(l, usage, at)
      if (r !== null && Number.isFinite(r.total_price)) return roundUsd(r.total_price)
    } catch {
      // Malformed price data for one model must not break the record: try the next spelling.
    }
  }
  return null
}
