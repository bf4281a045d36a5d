// What a provider bills beyond the token buckets (issue 14): the service tier, data residency and
// speed a response was billed at, every other billed unit by kind ({kind: count}), and usage of
// another model inside the same exchange (Anthropic's advisor). The record keeps them beside the
// buckets; the pricer prices them (services/proxy/src/pricing/); a reprice recomputes them from
// raw_usage with the same per-dialect normalisers.
//
// Unit kinds. Token kinds are PARTS of the buckets (never added to them), with the meaning of
// @pydantic/genai-prices' usage keys of the same name: `input_audio_tokens` is the audio part of
// the whole input (cached audio included), `cache_audio_read_tokens` the audio part of the cache
// reads, `output_audio_tokens` the audio part of the output; the same for image and video. Count
// kinds are uses billed per call or per request. A kind not listed here (a provider's new tool)
// is kept under the provider's own name and priced only once a price is known for it.

/** {kind: count}; counts are non-negative integers, zero counts are left out. */
export type BilledUnits = Record<string, number>

export const TOKEN_UNITS = [
  'input_audio_tokens',
  'cache_audio_read_tokens',
  'output_audio_tokens',
  'input_image_tokens',
  'cache_image_read_tokens',
  'output_image_tokens',
  'input_video_tokens',
  'cache_video_read_tokens',
  'output_video_tokens',
] as const

export const COUNT_UNITS = [
  /** Web searches run by a server tool (Anthropic web_search_requests, OpenAI web_search_call
   *  items, Chat search models: one per request, Gemini grounding search queries). */
  'web_searches',
  /** Anthropic web_fetch_requests. */
  'web_fetches',
  /** OpenAI Responses file_search_call items. */
  'file_searches',
  /** OpenAI Responses code_interpreter_call items. */
  'code_interpreter_calls',
  /** OpenAI Responses image_generation_call items. */
  'image_generation_calls',
  /** Gemini: a response grounded with Google Search (1 per request); Gemini 2.x bills per prompt. */
  'grounded_prompts',
  /** Gemini: a response grounded with Google Maps (1 per request). */
  'maps_grounded_prompts',
] as const

export type TokenUnit = (typeof TOKEN_UNITS)[number]
export type CountUnit = (typeof COUNT_UNITS)[number]

/** One sampling iteration inside the exchange (Anthropic `usage.iterations`), in the record's
 *  bucket meanings (input uncached). */
export interface SubUsage {
  /** Counted in the record's buckets (SUB_USAGE_IN_BUCKETS): `message`, `compaction`,
   *  `fallback_message` (the hop a server-side fallback served). Not counted: `advisor_message`
   *  (an advisor sub-inference, billed at the advisor model's rates), `refused_message` (a hop
   *  refused before a fallback served), and any kind not known here. */
  kind: string
  model: string | null
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
}

/** Iteration kinds already counted in the record's buckets (priced one by one, never added). */
export const SUB_USAGE_IN_BUCKETS: ReadonlySet<string> = new Set([
  'message',
  'compaction',
  'fallback_message',
])

/** Billing facts of one exchange, as normalised from the provider's report. */
export interface BilledUsage {
  /** The tier the provider says it billed (`standard`, `priority`, `batch`, `flex`, `default`,
   *  `scale`, Vertex `ON_DEMAND_FLEX` …), as the provider spells it; null when not reported. */
  serviceTier: string | null
  /** Where inference ran, when it changes the price (Anthropic `usage.inference_geo`). */
  inferenceGeo: string | null
  /** Anthropic `usage.speed` (`standard` / `fast`). */
  speed: string | null
  /** Units beyond the buckets; null when the provider reported none. */
  units: BilledUnits | null
  /** The sampling iterations inside the exchange, when reported; null when none. */
  subUsage: SubUsage[] | null
}

export const emptyBilling = (): BilledUsage => ({
  serviceTier: null,
  inferenceGeo: null,
  speed: null,
  units: null,
  subUsage: null,
})

/** The units with a column of their own (summed in the hourly rollup). */
export interface BilledUnitColumns {
  /** = units.input_audio_tokens (a part of the input buckets). */
  audioInputTokens: number | null
  /** = units.output_audio_tokens (a part of outputTokens). */
  audioOutputTokens: number | null
  /** = units.web_searches. */
  webSearches: number | null
}

/** The first-class unit columns of a units map: derived, never reported apart. */
export function unitColumns(units: BilledUnits | null | undefined): BilledUnitColumns {
  return {
    audioInputTokens: units?.input_audio_tokens ?? null,
    audioOutputTokens: units?.output_audio_tokens ?? null,
    webSearches: units?.web_searches ?? null,
  }
}
