// Gemini `usageMetadata` normalisation and the per-chunk facts a response carries
// (docs/ARCHITECTURE.md §5): promptTokenCount INCLUDES cachedContentTokenCount; the tool-use prompt
// (toolUsePromptTokenCount, billed as input) is counted on top; output = candidates + thoughts.
// Stream chunks carry CUMULATIVE snapshots, so the caller keeps the last non-empty one and never
// adds them. Zero counts are omitted on the wire (proto3 JSON), so a missing count next to known
// ones is 0. Billing (billing.ts): the per-modality details become units (audio is priced apart
// for several models), Vertex's `trafficType` is the tier, and Google Search / Maps grounding
// found on the candidates comes in as UsageFacts. Pure; also what a reprice runs.

import type { BilledUnits } from '@tokentap/shared'
import {
  addUnit,
  billing,
  type NormalizedUsage,
  readLabel,
  type UsageFacts,
} from '../common/billing.ts'
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

/** `[{modality, tokenCount}]` details → units named `<prefix>_<modality>…` (text is the rest). */
function addModalities(units: BilledUnits, details: unknown, kinds: Record<string, string>): void {
  if (!Array.isArray(details)) return
  for (const d of details) {
    if (!isRecord(d) || typeof d.modality !== 'string') continue
    const kind = kinds[d.modality]
    if (kind !== undefined) addUnit(units, kind, d.tokenCount)
  }
}

const INPUT = {
  AUDIO: 'input_audio_tokens',
  IMAGE: 'input_image_tokens',
  VIDEO: 'input_video_tokens',
}
const CACHE = {
  AUDIO: 'cache_audio_read_tokens',
  IMAGE: 'cache_image_read_tokens',
  VIDEO: 'cache_video_read_tokens',
}
const OUTPUT = {
  AUDIO: 'output_audio_tokens',
  IMAGE: 'output_image_tokens',
  VIDEO: 'output_video_tokens',
}

export function normalizeGeminiUsage(usage: JsonObject, facts?: UsageFacts): NormalizedUsage {
  const units: BilledUnits = {}
  // The prompt details include the cached content (as promptTokenCount does); tool-use prompt
  // tokens are input on top of it.
  addModalities(units, usage.promptTokensDetails, INPUT)
  addModalities(units, usage.toolUsePromptTokensDetails, INPUT)
  addModalities(units, usage.cacheTokensDetails, CACHE)
  addModalities(units, usage.candidatesTokensDetails, OUTPUT)
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
    ...billing({ serviceTier: readLabel(usage.trafficType), units }, facts),
  }
}

/**
 * Grounding on the candidates: Google Search grounding lists the queries it ran
 * (`groundingMetadata.webSearchQueries`: web searches), and a grounded response counts once as a
 * grounded prompt (Gemini 2.x bills per grounded prompt, Gemini 3 per search query); Google Maps
 * grounding shows as `maps` grounding chunks.
 */
export function groundingUnits(candidates: unknown[]): BilledUnits {
  const units: BilledUnits = {}
  let searched = false
  let maps = false
  for (const c of candidates) {
    const g = isRecord(c) && isRecord(c.groundingMetadata) ? c.groundingMetadata : null
    if (g === null) continue
    const queries = Array.isArray(g.webSearchQueries) ? g.webSearchQueries.length : 0
    addUnit(units, 'web_searches', queries)
    searched ||= queries > 0 || isRecord(g.searchEntryPoint)
    const chunks = Array.isArray(g.groundingChunks) ? g.groundingChunks : []
    maps ||= chunks.some((chunk) => isRecord(chunk) && isRecord(chunk.maps))
  }
  if (searched) addUnit(units, 'grounded_prompts', 1)
  if (maps) addUnit(units, 'maps_grounded_prompts', 1)
  return units
}

export interface GeminiChunkFacts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  /** A candidate has a finishReason, or the prompt was blocked: the last chunk. */
  finished: boolean
  /** Grounding units of this chunk's candidates (empty when none). */
  grounding: BilledUnits
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
    grounding: groundingUnits(candidates),
  }
}
