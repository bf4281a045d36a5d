// Anthropic usage objects: the cumulative overlay used by streams, and the normalisation into
// tokentap's token buckets and billed units (DESIGN.md, "Usage accounting"; billing.ts). Pure;
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

interface Iterations {
  /** Compaction iterations: same model, left out of the top-level counts. */
  compaction: SubUsage[]
  /** Other models' iterations (advisor) and hops refused before a fallback served. */
  others: SubUsage[]
}

/**
 * `usage.iterations` (one entry per sampling iteration). Anthropic's compaction documentation:
 * "The top-level input_tokens and output_tokens do not include compaction iteration usage—they
 * reflect the sum of all non-compaction iterations. To calculate total tokens consumed and billed
 * for a request, sum across all entries in the usage.iterations array." So the record adds the
 * `compaction` entries to the top-level counts and never re-adds `message` entries. Advisor
 * sub-inferences (`advisor_message`) ran on another model and are billed at its rates: kept
 * apart. With a server-side fallback, the top level is the serving hop (`fallback_message`) and
 * the `message` entries are the hops refused before it: kept apart too.
 */
function readIterations(usage: JsonObject): Iterations {
  const out: Iterations = { compaction: [], others: [] }
  if (!Array.isArray(usage.iterations)) return out
  const entries = usage.iterations.filter(isRecord)
  const fallback = entries.some((it) => it.type === 'fallback_message')
  for (const it of entries) {
    const model = readString(it.model)
    if (it.type === 'compaction') out.compaction.push(iterationTokens(it, model, 'compaction'))
    else if (it.type === 'advisor_message') {
      out.others.push(iterationTokens(it, model, 'advisor_message'))
    } else if (it.type === 'message' && fallback) {
      out.others.push(iterationTokens(it, model, 'refused_message'))
    }
  }
  return out
}

const plus = (a: number | null, b: number): number | null => (a === null ? null : a + b)

/**
 * Normalises an Anthropic `usage` object (Messages, and Claude on Bedrock and Vertex):
 * - inputTokens = `input_tokens` (already excludes cache reads and writes);
 * - cacheReadTokens = `cache_read_input_tokens`; cache writes split 5m / 1h (cacheWrites);
 * - outputTokens = `output_tokens` (thinking included); reasoningTokens =
 *   `output_tokens_details.thinking_tokens` (a part of output), null when not reported;
 * - compaction iterations added to those counts, advisor iterations kept apart (readIterations);
 * - `server_tool_use` as units; `service_tier`, `inference_geo` and `speed` as reported.
 * Cache fields missing from a usage object mean no caching happened (0); missing input or
 * output counts stay unknown (null).
 */
export function normalizeAnthropicUsage(usage: JsonObject, facts?: UsageFacts): NormalizedUsage {
  const { w5m, w1h } = cacheWrites(usage)
  const its = readIterations(usage)
  const add = (pick: (it: SubUsage) => number): number =>
    its.compaction.reduce((sum, it) => sum + pick(it), 0)
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
        subUsage: its.others,
      },
      facts,
    ),
  }
}
