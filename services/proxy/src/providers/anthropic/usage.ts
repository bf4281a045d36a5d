// Anthropic usage objects: the cumulative overlay used by streams, and the normalisation into
// tokentap's token buckets (docs/ARCHITECTURE.md §5). Pure; shared by every Claude-speaking
// dialect (Anthropic API, Bedrock and Vertex Claude).

import type { TokenBuckets } from '@tokentap/shared'
import { isRecord, type JsonObject, readCount } from '../common/json-values.ts'

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

/**
 * Normalises an Anthropic `usage` object:
 * - inputTokens = `input_tokens` (already excludes cache reads and writes);
 * - cacheReadTokens = `cache_read_input_tokens`;
 * - cache writes are split by `cache_creation.ephemeral_5m_input_tokens` / `_1h_`; any part of
 *   `cache_creation_input_tokens` the split does not cover counts as a 5-minute write, because
 *   5 minutes is Anthropic's default cache TTL (and with no split at all, the whole total is 5m);
 * - outputTokens = `output_tokens` (thinking included); reasoningTokens stays null, Anthropic
 *   does not report thinking tokens separately.
 * Cache fields missing from a usage object mean no caching happened (0); missing input or
 * output counts stay unknown (null).
 */
export function normalizeAnthropicUsage(usage: JsonObject): TokenBuckets {
  const creation = isRecord(usage.cache_creation) ? usage.cache_creation : null
  const split5m = creation ? (readCount(creation.ephemeral_5m_input_tokens) ?? 0) : 0
  const split1h = creation ? (readCount(creation.ephemeral_1h_input_tokens) ?? 0) : 0
  const covered = split5m + split1h
  const total = readCount(usage.cache_creation_input_tokens) ?? covered
  // When the split claims more than the total, the split (the more specific figure) wins.
  const remainder = Math.max(0, total - covered)
  return {
    inputTokens: readCount(usage.input_tokens),
    outputTokens: readCount(usage.output_tokens),
    cacheReadTokens: readCount(usage.cache_read_input_tokens) ?? 0,
    cacheWrite5mTokens: split5m + remainder,
    cacheWrite1hTokens: split1h,
    reasoningTokens: null,
  }
}
