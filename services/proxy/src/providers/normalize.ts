// Stored raw_usage → buckets + billing, with the same pure normalisers the live parsers run
// (anthropic/usage.ts, openai/usage.ts, gemini/usage.ts, bedrock/usage.ts): what a reprice
// (`tokentap reprice`) recomputes a row's price from. `format` is the wire format of the row's
// provider (table.ts, or a TOKENTAP_PROVIDERS entry's dialect); within a format the usage
// object's own shape says which normaliser reads it (Chat vs Responses, Claude or OpenAI-style
// bodies on Vertex and Bedrock). `stored` carries what the response billed outside its usage
// object, as the row kept it: its service_tier and units (tool calls, grounding); the usage
// object's own values win over them. Null when the format has no token usage to re-read
// (Amazon Q credits, custom field maps: their stored buckets stand). Pure.

import type { BilledUnits } from '@tokentap/shared'
import { normalizeAnthropicUsage } from './anthropic/usage.ts'
import { type NativeUsage, normalizeBedrockUsage, normalizeNative } from './bedrock/usage.ts'
import type { NormalizedUsage, UsageFacts } from './common/billing.ts'
import { isRecord, type JsonObject, readCount } from './common/json-values.ts'
import type { BuiltinDialectName } from './custom/config.ts'
import { normalizeGeminiUsage } from './gemini/usage.ts'
import { normalizeChatUsage, normalizeResponsesUsage } from './openai/usage.ts'
import type { WireFormat } from './table.ts'

/** What a stored row holds beside raw_usage. */
export interface StoredBilling {
  serviceTier?: string | null
  units?: BilledUnits | null
}

const has = (u: JsonObject, key: string): boolean => readCount(u[key]) !== null

/** An OpenAI-style usage object: Chat (`prompt_tokens`) or Responses (`input_tokens`). */
function openaiStyle(u: JsonObject, facts: UsageFacts): NormalizedUsage | null {
  if (has(u, 'prompt_tokens') || has(u, 'completion_tokens'))
    return normalizeChatUsage(u, false, facts)
  if (has(u, 'input_tokens') || has(u, 'output_tokens')) return normalizeResponsesUsage(u, facts)
  return null
}

/** Anthropic's shape: `input_tokens` with its cache counts (Claude on Vertex and Bedrock). */
const anthropicStyle = (u: JsonObject): boolean =>
  has(u, 'input_tokens') || has(u, 'output_tokens') || has(u, 'cache_read_input_tokens')

export function normalizeStoredUsage(
  format: WireFormat | BuiltinDialectName,
  raw: unknown,
  stored: StoredBilling = {},
): NormalizedUsage | null {
  if (!isRecord(raw)) return null
  const facts: UsageFacts = { serviceTier: stored.serviceTier ?? null, units: stored.units ?? null }
  switch (format) {
    case 'anthropic':
      return normalizeAnthropicUsage(raw, facts)
    case 'openai':
    case 'openai-chat':
    case 'openai-responses':
      return openaiStyle(raw, facts)
    case 'gemini':
      if (has(raw, 'promptTokenCount') || has(raw, 'candidatesTokenCount')) {
        return normalizeGeminiUsage(raw, facts)
      }
      if (has(raw, 'prompt_tokens')) return normalizeChatUsage(raw, false, facts)
      return anthropicStyle(raw) ? normalizeAnthropicUsage(raw, facts) : null
    case 'bedrock': {
      if (anthropicStyle(raw)) return normalizeAnthropicUsage(raw, facts)
      if (has(raw, 'inputTokens') || has(raw, 'inputTokenCount')) {
        return normalizeBedrockUsage(raw, facts)
      }
      if (has(raw, 'prompt_tokens')) return normalizeChatUsage(raw, false, facts)
      const counts = countsUsage(raw)
      return counts === null ? null : normalizeNative(counts)
    }
    default:
      return null
  }
}

/** The counts Titan and Llama bodies were stored as (bedrock/usage.ts nativeUsage's `usage`). */
function countsUsage(raw: JsonObject): NativeUsage | null {
  const input = readCount(raw.inputTextTokenCount) ?? readCount(raw.prompt_token_count)
  if (input === null) return null
  const output = readCount(raw.outputTokenCount) ?? readCount(raw.generation_token_count)
  return { kind: 'counts', usage: raw, input, output }
}
