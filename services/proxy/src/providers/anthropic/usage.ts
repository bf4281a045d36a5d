// Anthropic usage objects: the cumulative overlay used by streams, and the normalisation into
// tokentap's token buckets and billed units (docs/ARCHITECTURE.md §5; billing.ts). Pure;
// shared by every Claude-speaking dialect (Anthropic API, Bedrock and Vertex Claude), and by a
// reprice from stored raw_usage.

import type { BilledUnits, SubUsage } from '@tokentap/shared'
import {
  addUnit,
  billing,
  type NormalizedUsage,
  readLabel,
  type UsageFacts,
} from '../common/billing.ts'
import { isRecord, type JsonObject, readCount, readString } from '../common/json-values.ts'

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Overlays every non-null field of `delta` onto `base` (objects merged recursively) and returns a
 * new object. Anthropic's `message_delta` usage is CUMULATIVE: its counts replace the ones from
 * `message_start`, they are never added to them.
 */
export function overlayUsage(base: JsonObject | null, delta: unknown): JsonObject | null {
  if (!isRecord(delta)) return base
  const out: JsonObject = { ...base }
  for (const [key, value] of Object.entries(delta)) {
    if (value === null || value === undefined || UNSAFE_KEYS.has(key)) continue
    const previous = out[key]
    out[key] = isRecord(value) && isRecord(previous) ? overlayUsage(previous, value) : value
  }
  return out
}

/** The cache-write split of one usage object: `cache_creation.ephemeral_5m/1h_input_tokens`;
 *  the part of `cache_creation_input_tokens` the split does not cover counts as 5 minutes (the
 *  default TTL), and with no split at all the whole total is 5 minutes. */
function cacheWrites(usage: JsonObject): { w5m: number; w1h: number } {
  const creation = isRecord(usage.cache_creation) ? usage.cache_creation : null
  const split5m = creation ? (readCount(creation.ephemeral_5m_input_tokens) ?? 0) : 0
  const split1h = creation ? (readCount(creation.ephemeral_1h_input_tokens) ?? 0) : 0
  const covered = split5m + split1h
  const total = readCount(usage.cache_creation_input_tokens) ?? covered
  // When the split claims more than the total, the split (the more specific figure) wins.
  return { w5m: split5m + Math.max(0, total - covered), w1h: split1h }
}

/** One iteration's (or usage object's) tokens in bucket meanings; missing counts are 0. */
function iterationTokens(it: JsonObject, model: string | null, kind: string): SubUsage {
  const { w5m, w1h } = cacheWrites(it)
  return {
    kind,
    model,
    inputTokens: readCount(it.input_tokens) ?? 0,
    outputTokens: readCount(it.output_tokens) ?? 0,
    cacheReadTokens: readCount(it.cache_read_input_tokens) ?? 0,
    cacheWrite5mTokens: w5m,
    cacheWrite1hTokens: w1h,
  }
}

/** `server_tool_use` counts as units: web searches and fetches under their unit names, any other
 *  server tool under the provider's own key (e.g. `code_execution_requests`). */
function serverToolUnits(usage: JsonObject): BilledUnits {
  const units: BilledUnits = {}
  const tools = isRecord(usage.server_tool_use) ? usage.server_tool_use : {}
  for (const [key, count] of Object.entries(tools)) {
    if (key === 'web_search_requests') addUnit(units, 'web_searches', count)
    else if (key === 'web_fetch_requests') addUnit(units, 'web_fetches', count)
    else if (/^[a-z][a-z0-9_]{0,63}$/.test(key)) addUnit(units, key, count)
  }
  return units
}

/**
 * `usage.iterations` (one entry per sampling iteration), kept as sub-usage with its kind and
 * model. Anthropic's compaction documentation: "The top-level input_tokens and output_tokens do
 * not include compaction iteration usage—they reflect the sum of all non-compaction iterations.
 * To calculate total tokens consumed and billed for a request, sum across all entries in the
 * usage.iterations array." So the record's buckets are the top level plus the `compaction`
 * entries, and `message` entries are never added again. Advisor sub-inferences
 * (`advisor_message`) ran on the advisor model and are billed at its rates, outside the
 * buckets. With a server-side fallback the top level is the serving hop (`fallback_message`)
 * and the `message` entries are the hops refused before it (`refused_message`). The pricer
 * prices the iterations counted in the buckets one by one, as long-context tiers apply per
 * iteration ("which iterations exceeded long context thresholds").
 */
function readIterations(usage: JsonObject): SubUsage[] {
  if (!Array.isArray(usage.iterations)) return []
  const entries = usage.iterations.filter(isRecord)
  const fallback = entries.some((it) => it.type === 'fallback_message')
  return entries.map((it) => {
    const type = readLabel(it.type) ?? 'unknown'
    const kind = type === 'message' && fallback ? 'refused_message' : type
    return iterationTokens(it, readString(it.model), kind)
  })
}

const plus = (a: number | null, b: number): number | null => (a === null ? null : a + b)

/**
 * Normalises an Anthropic `usage` object (Messages, and Claude on Bedrock and Vertex):
 * - inputTokens = `input_tokens` (already excludes cache reads and writes);
 * - cacheReadTokens = `cache_read_input_tokens`; cache writes split 5m / 1h (cacheWrites);
 * - outputTokens = `output_tokens` (thinking included); reasoningTokens =
 *   `output_tokens_details.thinking_tokens` (a part of output), null when not reported;
 * - compaction iterations added to those counts; every iteration kept as sub-usage
 *   (readIterations);
 * - `server_tool_use` as units; `service_tier`, `inference_geo` and `speed` as reported.
 * Cache fields missing from a usage object mean no caching happened (0); missing input or
 * output counts stay unknown (null).
 */
export function normalizeAnthropicUsage(usage: JsonObject, facts?: UsageFacts): NormalizedUsage {
  const { w5m, w1h } = cacheWrites(usage)
  const its = readIterations(usage)
  const compaction = its.filter((it) => it.kind === 'compaction')
  const add = (pick: (it: SubUsage) => number): number =>
    compaction.reduce((sum, it) => sum + pick(it), 0)
  const output = plus(
    readCount(usage.output_tokens),
    add((it) => it.outputTokens),
  )
  const details = isRecord(usage.output_tokens_details) ? usage.output_tokens_details : null
  const thinking = details === null ? null : readCount(details.thinking_tokens)
  return {
    inputTokens: plus(
      readCount(usage.input_tokens),
      add((it) => it.inputTokens),
    ),
    outputTokens: output,
    cacheReadTokens:
      (readCount(usage.cache_read_input_tokens) ?? 0) + add((it) => it.cacheReadTokens),
    cacheWrite5mTokens: w5m + add((it) => it.cacheWrite5mTokens),
    cacheWrite1hTokens: w1h + add((it) => it.cacheWrite1hTokens),
    reasoningTokens: thinking === null || output === null ? thinking : Math.min(thinking, output),
    ...billing(
      {
        serviceTier: readLabel(usage.service_tier),
        inferenceGeo: readLabel(usage.inference_geo),
        speed: readLabel(usage.speed),
        units: serverToolUnits(usage),
        subUsage: its,
      },
      facts,
    ),
  }
}
