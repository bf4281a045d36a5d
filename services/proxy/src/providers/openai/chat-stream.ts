// Accumulates the usage of one Chat Completions (or legacy Completions) SSE stream. Usage arrives
// in different places depending on the server, and every one is a CUMULATIVE total, so the last
// usage seen wins and nothing is ever added up:
// - OpenAI / Azure / Mistral / DeepSeek / OpenRouter: a final chunk with `choices: []` + `usage`
//   (only with `stream_options.include_usage`); other chunks carry `"usage": null`;
// - xAI: usage on the chunk before the last, possibly on every chunk;
// - Groq: `x_groq.usage` on the last chunk.
// Chunks are parsed only when they can matter (the first ones, for id and model, and those with a
// `usage` object), so token-by-token deltas cost a regex test. O(1) memory.

import { readLabel } from '../common/billing.ts'
import { isRecord, type JsonObject, readString, tryParseJson } from '../common/json-values.ts'

export interface ChatStreamSummary {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  /** The usage came on a usage-only chunk (`choices` empty): the documented final chunk. */
  usageFinal: boolean
  /** `data: [DONE]` arrived. */
  done: boolean
  parseError: string | null
  /** `service_tier` of the chunks read (the usage chunk's, else the first one's). */
  serviceTier: string | null
}

export interface ChatStreamAccumulator {
  onData(data: string, truncated: boolean): void
  summary(): ChatStreamSummary
}

const USAGE_OBJECT = /"usage"\s*:\s*\{/

/** The usage object of one chunk: `usage`, else Groq's `x_groq.usage`. */
function chunkUsage(chunk: JsonObject): JsonObject | null {
  if (isRecord(chunk.usage)) return chunk.usage
  const groq = chunk.x_groq
  return isRecord(groq) && isRecord(groq.usage) ? groq.usage : null
}

/** A usage-only chunk: `choices` empty (vLLM-style servers send null or omit it). */
export function isUsageOnlyChunk(chunk: JsonObject): boolean {
  if (!isRecord(chunk.usage)) return false
  const choices = chunk.choices
  return (
    choices === undefined || choices === null || (Array.isArray(choices) && choices.length === 0)
  )
}

export function createChatStreamAccumulator(): ChatStreamAccumulator {
  const s: ChatStreamSummary = {
    responseId: null,
    model: null,
    usage: null,
    usageFinal: false,
    done: false,
    parseError: null,
    serviceTier: null,
  }

  return {
    onData(data, truncated) {
      if (s.done) return
      if (data.trim() === '[DONE]') {
        s.done = true
        return
      }
      if (truncated) {
        // A cut chunk cannot be parsed; only a usage-bearing one would have mattered.
        s.parseError ??= 'SSE chunk too large'
        return
      }
      const identified = s.responseId !== null && s.model !== null
      if (identified && !USAGE_OBJECT.test(data)) return
      const parsed = tryParseJson(data)
      if (!parsed.ok) {
        if (data.trim() !== '') s.parseError ??= 'invalid JSON chunk'
        return
      }
      const chunk = parsed.value
      if (!isRecord(chunk)) return
      s.responseId ??= readString(chunk.id)
      s.model ??= readString(chunk.model)
      s.serviceTier = readLabel(chunk.service_tier) ?? s.serviceTier
      const usage = chunkUsage(chunk)
      if (usage === null) return
      s.usage = usage
      s.usageFinal = isUsageOnlyChunk(chunk)
    },
    summary: () => ({ ...s }),
  }
}
