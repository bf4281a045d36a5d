// Normalisation of OpenAI-style usage objects into tokentap's buckets (docs/ARCHITECTURE.md §5).
// Chat Completions and Responses report input INCLUDING cached tokens and output
// INCLUDING reasoning tokens; compatibles deviate, and each deviation is recognised from the
// numbers themselves, never from the provider's name:
// - DeepSeek: `prompt_cache_hit_tokens` / `prompt_cache_miss_tokens` (miss = uncached input);
// - OpenRouter: `prompt_tokens_details.cache_write_tokens` (a subset of prompt_tokens);
// - xAI: `completion_tokens` EXCLUDES `reasoning_tokens` — detected when
//   total = prompt + completion + reasoning (and not prompt + completion), then output adds them.
// Modality details become units (billing.ts: parts of the buckets, never added to them): audio
// and image tokens of the input (`*_tokens_details.audio_tokens` / `image_tokens`), of the cache
// reads (`cached_tokens_details`, the Realtime shape) and of the output. The billed tier and the
// tool calls are not in the usage object: they come in as UsageFacts (billing-facts.ts).
// Pure; also what a reprice runs over stored raw_usage.

import type { BilledUnits } from '@tokentap/shared'
import { addUnit, billing, type NormalizedUsage, type UsageFacts } from '../common/billing.ts'
import { isRecord, type JsonObject, readCount } from '../common/json-values.ts'

const sub = (a: number, b: number): number => Math.max(0, a - b)

/**
 * Output including reasoning. `total` decides whether the provider already counted reasoning in
 * `output` (OpenAI: total = input + output) or left it out (xAI: total = input + output + reasoning).
 */
function outputWithReasoning(
  input: number | null,
  output: number | null,
  reasoning: number | null,
  total: number | null,
): number | null {
  if (output === null || reasoning === null || reasoning === 0) return output
  if (input === null || total === null) return output
  const excluded = total === input + output + reasoning && total !== input + output
  return excluded ? output + reasoning : output
}

const details = (v: unknown): JsonObject => (isRecord(v) ? v : {})

/** Audio / image parts of the input, the cache reads and the output, as units. */
function modalityUnits(input: JsonObject, output: JsonObject): BilledUnits {
  const units: BilledUnits = {}
  addUnit(units, 'input_audio_tokens', input.audio_tokens)
  addUnit(units, 'input_image_tokens', input.image_tokens)
  const cached = details(input.cached_tokens_details)
  addUnit(units, 'cache_audio_read_tokens', cached.audio_tokens)
  addUnit(units, 'cache_image_read_tokens', cached.image_tokens)
  addUnit(units, 'output_audio_tokens', output.audio_tokens)
  addUnit(units, 'output_image_tokens', output.image_tokens)
  return units
}

/** Chat Completions / legacy Completions / Embeddings usage. `embedding`: no output exists (0). */
export function normalizeChatUsage(
  usage: JsonObject,
  embedding = false,
  facts?: UsageFacts,
): NormalizedUsage {
  const prompt = readCount(usage.prompt_tokens)
  const completion = readCount(usage.completion_tokens)
  const promptDetails = isRecord(usage.prompt_tokens_details) ? usage.prompt_tokens_details : {}
  const completionDetails = isRecord(usage.completion_tokens_details)
    ? usage.completion_tokens_details
    : {}
  const hit = readCount(usage.prompt_cache_hit_tokens)
  const miss = readCount(usage.prompt_cache_miss_tokens)
  let input: number | null
  let cacheRead: number
  let cacheWrite = 0
  if (hit !== null || miss !== null) {
    // DeepSeek: prompt = hit + miss.
    cacheRead = hit ?? 0
    input = miss ?? (prompt === null ? null : sub(prompt, cacheRead))
  } else {
    cacheRead = readCount(promptDetails.cached_tokens) ?? 0
    cacheWrite = readCount(promptDetails.cache_write_tokens) ?? 0
    input = prompt === null ? null : sub(prompt, cacheRead + cacheWrite)
  }
  const reasoning = readCount(completionDetails.reasoning_tokens)
  const total = readCount(usage.total_tokens)
  const output = outputWithReasoning(prompt, completion, reasoning, total)
  return {
    inputTokens: input,
    outputTokens: output ?? (embedding ? 0 : null),
    cacheReadTokens: cacheRead,
    cacheWrite5mTokens: cacheWrite,
    cacheWrite1hTokens: 0,
    reasoningTokens: reasoning,
    ...billing({ units: modalityUnits(promptDetails, completionDetails) }, facts),
  }
}

/** Responses API usage (`input_tokens` includes `input_tokens_details.cached_tokens` and, like
 *  Chat's prompt_tokens, `cache_write_tokens`). */
export function normalizeResponsesUsage(usage: JsonObject, facts?: UsageFacts): NormalizedUsage {
  const inputAll = readCount(usage.input_tokens)
  const output = readCount(usage.output_tokens)
  const inputDetails = details(usage.input_tokens_details)
  const outputDetails = details(usage.output_tokens_details)
  const cached = readCount(inputDetails.cached_tokens) ?? 0
  const written = readCount(inputDetails.cache_write_tokens) ?? 0
  const reasoning = readCount(outputDetails.reasoning_tokens)
  const total = readCount(usage.total_tokens)
  return {
    inputTokens: inputAll === null ? null : sub(inputAll, cached + written),
    outputTokens: outputWithReasoning(inputAll, output, reasoning, total),
    cacheReadTokens: cached,
    cacheWrite5mTokens: written,
    cacheWrite1hTokens: 0,
    reasoningTokens: reasoning,
    ...billing({ units: modalityUnits(inputDetails, outputDetails) }, facts),
  }
}

/** True when a usage object reports no tokens at all (a `generate: false` warm-up). */
export function isZeroUsage(usage: JsonObject | null): boolean {
  if (usage === null) return true
  const input = readCount(usage.input_tokens) ?? readCount(usage.prompt_tokens) ?? 0
  const output = readCount(usage.output_tokens) ?? readCount(usage.completion_tokens) ?? 0
  return input === 0 && output === 0
}
