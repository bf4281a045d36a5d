// Gemini `usageMetadata` normalisation and the per-chunk facts a response carries
// (docs/ARCHITECTURE.md §5): promptTokenCount INCLUDES cachedContentTokenCount; the tool-use prompt is
// counted on top; output = candidates + thoughts. Stream chunks carry CUMULATIVE snapshots, so
// the caller keeps the last non-empty one and never adds them. Zero counts are omitted on the wire
// (proto3 JSON), so a missing count next to known ones is 0. Pure.

import type { TokenBuckets } from '@tokentap/shared'
import { isRecord, type JsonObject, readCount, readString } from '../common/json-values.ts'

const COUNTS = [
  'promptTokenCount',
  'cachedContentTokenCount',
  'candidatesTokenCount',
  'thoughtsTokenCount',
  'toolUsePromptTokenCount',
  'totalTokenCount',
]

/** A usageMetadata object with at least one token count. */
export function isUsageMetadata(value: unknown): value is JsonObject {
  return isRecord(value) && COUNTS.some((key) => readCount(value[key]) !== null)
}

export function normalizeGeminiUsage(usage: JsonObject): TokenBuckets {
  const prompt = readCount(usage.promptTokenCount)
  const cached = readCount(usage.cachedContentTokenCount) ?? 0
  const toolUse = readCount(usage.toolUsePromptTokenCount) ?? 0
  const candidates = readCount(usage.candidatesTokenCount) ?? 0
  const thoughts = readCount(usage.thoughtsTokenCount) ?? 0
  return {
    inputTokens: prompt === null ? null : Math.max(0, prompt - cached) + toolUse,
    outputTokens: candidates + thoughts,
    cacheReadTokens: cached,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: thoughts,
  }
}

export interface GeminiChunkFacts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  /** A candidate has a finishReason, or the prompt was blocked: the last chunk. */
  finished: boolean
}

/** Reads one GenerateContentResponse (unwrapping Code Assist's `{"response": …}`). */
export function readGeminiChunk(value: unknown, codeAssist: boolean): GeminiChunkFacts | null {
  if (!isRecord(value)) return null
  const body = codeAssist && isRecord(value.response) ? value.response : value
  const candidates = Array.isArray(body.candidates) ? body.candidates : []
  const feedback = isRecord(body.promptFeedback) ? body.promptFeedback : null
  const finished =
    candidates.some((c) => isRecord(c) && readString(c.finishReason) !== null) ||
    readString(feedback?.blockReason) !== null
  return {
    responseId: readString(body.responseId),
    model: readString(body.modelVersion),
    usage: isUsageMetadata(body.usageMetadata) ? body.usageMetadata : null,
    finished,
  }
}
