// Bedrock usage shapes normalised into tokentap's buckets (docs/ARCHITECTURE.md §5: "as
// Anthropic" — input excludes cache):
// - Converse / ConverseStream `usage`: inputTokens (uncached), outputTokens, cacheReadInputTokens,
//   cacheWriteInputTokens, optional cacheDetails [{ttl: '5m'|'1h', inputTokens}];
// - `amazon-bedrock-invocationMetrics` (last chunk of every InvokeModelWithResponseStream):
//   inputTokenCount, outputTokenCount, cacheReadInputTokenCount, cacheWriteInputTokenCount;
// - InvokeModel native bodies without Anthropic usage: Titan, Llama, Nova, OpenAI-style;
// - the `x-amzn-bedrock-*-token-count` response headers, the last resort.
// Pure.

import type { HeaderMap } from '@tokentap/shared'
import { billing, type NormalizedUsage, type UsageFacts } from '../common/billing.ts'
import { isRecord, type JsonObject, readCount } from '../common/json-values.ts'
import { normalizeChatUsage } from '../openai/usage.ts'

/** The cache-write split by TTL (`cacheDetails`); the rest of the total counts as 5 minutes. */
function cacheWrites(total: number, details: unknown): { w5m: number; w1h: number } {
  let w1h = 0
  let w5m = 0
  if (Array.isArray(details)) {
    for (const detail of details) {
      if (!isRecord(detail)) continue
      const tokens = readCount(detail.inputTokens) ?? 0
      if (detail.ttl === '1h') w1h += tokens
      else w5m += tokens
    }
  }
  return { w5m: Math.max(w5m, total - w1h), w1h }
}

/** Converse usage, Nova's invoke `usage`, and invocationMetrics (both field namings); `facts`:
 *  Converse's serving tier (outside the usage object). */
export function normalizeBedrockUsage(usage: JsonObject, facts?: UsageFacts): NormalizedUsage {
  const input = readCount(usage.inputTokens) ?? readCount(usage.inputTokenCount)
  const output = readCount(usage.outputTokens) ?? readCount(usage.outputTokenCount)
  const read = readCount(usage.cacheReadInputTokens) ?? readCount(usage.cacheReadInputTokenCount)
  const write =
    readCount(usage.cacheWriteInputTokens) ?? readCount(usage.cacheWriteInputTokenCount) ?? 0
  const { w5m, w1h } = cacheWrites(write, usage.cacheDetails)
  return {
    inputTokens: input,
    outputTokens: output,
    cacheReadTokens: read ?? 0,
    cacheWrite5mTokens: w5m,
    cacheWrite1hTokens: w1h,
    reasoningTokens: null,
    ...billing({}, facts),
  }
}

export type NativeUsage =
  | { kind: 'bedrock'; usage: JsonObject }
  | { kind: 'chat'; usage: JsonObject }
  | { kind: 'counts'; usage: JsonObject; input: number | null; output: number | null }

/** Usage of a non-Anthropic InvokeModel body (Nova, OpenAI-style, Titan, Llama), else null. */
export function nativeUsage(body: JsonObject): NativeUsage | null {
  const metrics = body['amazon-bedrock-invocationMetrics']
  if (isRecord(metrics)) return { kind: 'bedrock', usage: metrics }
  if (isRecord(body.usage) && readCount(body.usage.inputTokens) !== null) {
    return { kind: 'bedrock', usage: body.usage }
  }
  if (isRecord(body.usage) && readCount(body.usage.prompt_tokens) !== null) {
    return { kind: 'chat', usage: body.usage }
  }
  const titanIn = readCount(body.inputTextTokenCount)
  if (titanIn !== null) {
    const results = Array.isArray(body.results) ? body.results : []
    let output: number | null = results.length > 0 ? 0 : null
    for (const result of results) {
      if (isRecord(result)) output = (output ?? 0) + (readCount(result.tokenCount) ?? 0)
    }
    const usage = { inputTextTokenCount: titanIn, outputTokenCount: output }
    return { kind: 'counts', usage, input: titanIn, output: output ?? 0 }
  }
  const llamaIn = readCount(body.prompt_token_count)
  if (llamaIn !== null) {
    const output = readCount(body.generation_token_count)
    const usage = { prompt_token_count: llamaIn, generation_token_count: output }
    return { kind: 'counts', usage, input: llamaIn, output }
  }
  return null
}

export function normalizeNative(native: NativeUsage): NormalizedUsage {
  if (native.kind === 'bedrock') return normalizeBedrockUsage(native.usage)
  if (native.kind === 'chat') return normalizeChatUsage(native.usage)
  return {
    inputTokens: native.input,
    outputTokens: native.output,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: null,
    ...billing({}),
  }
}

/** The token counts Bedrock puts in InvokeModel response headers, as an invocationMetrics-like object. */
export function headerUsage(headers: HeaderMap): JsonObject | null {
  const count = (name: string): number | null => {
    const value = headers[`x-amzn-bedrock-${name}`]
    return value === undefined || !/^\d+$/.test(value.trim()) ? null : Number(value)
  }
  const input = count('input-token-count')
  const output = count('output-token-count')
  if (input === null && output === null) return null
  const usage: JsonObject = { inputTokenCount: input, outputTokenCount: output }
  const read = count('cache-read-input-token-count')
  const write = count('cache-write-input-token-count')
  if (read !== null) usage.cacheReadInputTokenCount = read
  if (write !== null) usage.cacheWriteInputTokenCount = write
  return usage
}
