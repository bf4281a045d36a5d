// The Gemini dialect: Gemini API, Vertex AI and Code Assist (cloudcode-pa, bodies wrapped in
// `{"response": …}`). `:generateContent` JSON, `:streamGenerateContent` as SSE (`alt=sse`) or as a
// streamed JSON array, and the free `:countTokens`. Stream chunks carry cumulative usage
// snapshots: the last non-empty one is kept, never a sum. Claude and OpenAI-compatible routes on
// Vertex are delegated (delegate.ts). Pure, incremental, never throws.

import type {
  BillableRequest,
  ExchangeMeta,
  ExchangeParser,
  ProviderDialect,
} from '@tokentap/shared'
import { createJsonArraySplitter } from '../common/json-array.ts'
import { firstStringField, lastObjectField } from '../common/json-fields.ts'
import { isRecord, readCount, readString, tryParseJson } from '../common/json-values.ts'
import {
  type BodyKind,
  emptyRecord,
  type FullUsage,
  inputOnlyBuckets,
  noFacts,
  type ResponseFacts,
} from '../common/record.ts'
import {
  type BodyReader,
  countFacts,
  jsonResponse,
  NO_USAGE,
  streamResponse,
} from '../common/response-body.ts'
import { createOutputText, outputTextOf } from '../common/seen-text.ts'
import { factsParser } from '../common/shell.ts'
import { createSseReader } from '../common/sse-reader.ts'
import { vertexAnthropicParser, vertexOpenAIParser } from './delegate.ts'
import { classifyGeminiPath, type GeminiRoute } from './paths.ts'
import { isUsageMetadata, normalizeGeminiUsage, readGeminiChunk } from './usage.ts'

/** A chunk may inline images: allow large ones before cutting. */
const CHUNK_CAP = 8 << 20

/** The output text of one GenerateContentResponse (Code Assist's `response` wrapper unwrapped). */
export function geminiText(value: unknown, codeAssist: boolean): string {
  if (!isRecord(value)) return ''
  const body = codeAssist && isRecord(value.response) ? value.response : value
  return outputTextOf(body.candidates)
}

function createGeminiParser(provider: string, route: GeminiRoute): ExchangeParser {
  let requestModel: string | null = null
  const s = noFacts()
  const output = createOutputText()

  /** One stream chunk (an SSE event's data or a JSON array element). */
  function onChunk(text: string, truncated: boolean): void {
    if (truncated) {
      output.add(text.length, () => '')
      s.parseError ??= 'stream chunk too large'
      return
    }
    const parsed = tryParseJson(text)
    output.add(text.length, () => (parsed.ok ? geminiText(parsed.value, route.codeAssist) : ''))
    const facts = parsed.ok ? readGeminiChunk(parsed.value, route.codeAssist) : null
    if (facts === null) {
      if (text.trim() !== '') s.parseError ??= 'invalid JSON chunk'
      return
    }
    s.responseId ??= facts.responseId
    s.model = facts.model ?? s.model
    if (facts.usage !== null) s.usage = facts.usage // a cumulative snapshot: replace, never add
    // Grounding metadata comes on the last chunk(s): the last non-empty one is kept.
    if (Object.keys(facts.grounding).length > 0) s.facts = { units: facts.grounding }
    if (facts.finished) s.complete = true
  }

  function jsonBody(status: number): BodyReader<ResponseFacts> {
    const ok = status >= 200 && status < 300
    return jsonResponse({
      parsed(body) {
        if (route.kind === 'count') return countFacts(body, 'totalTokens')
        output.add(0, () => geminiText(body, route.codeAssist))
        const facts = readGeminiChunk(body, route.codeAssist)
        const usage = facts?.usage ?? null
        return {
          responseId: facts?.responseId ?? null,
          model: facts?.model ?? null,
          usage,
          complete: true,
          parseError: ok && usage === null ? NO_USAGE : null,
          facts: { units: facts?.grounding ?? null },
        }
      },
      // Too large (inline images): the usage, model and id are serialised last.
      scanned: (_head, tail) => {
        const usage = lastObjectField(tail, 'usageMetadata')
        return {
          responseId: firstStringField(tail, 'responseId'),
          model: firstStringField(tail, 'modelVersion'),
          usage: isUsageMetadata(usage) ? usage : null,
        }
      },
    })
  }

  const base = (kind: BodyKind | null): FullUsage => ({
    ...emptyRecord(provider, route.endpoint, route.billable),
    model: route.kind === 'other' ? null : (route.model ?? requestModel),
    // The method says it (`:streamGenerateContent`), whatever the answer (an error is JSON).
    stream: route.kind === 'other' ? kind === 'sse' : route.kind === 'stream',
  })

  function sseBody(): BodyReader<ResponseFacts> {
    const reader = createSseReader({
      onEvent: (event) => onChunk(event.data, event.truncated),
      maxLineChars: CHUNK_CAP,
      maxEventChars: CHUNK_CAP,
    })
    return streamResponse(reader, () => s)
  }

  /** `:streamGenerateContent` without `alt=sse`: a JSON array streamed element by element. */
  function arrayBody(): BodyReader<ResponseFacts> {
    const array = createJsonArraySplitter({ onElement: onChunk, maxElementChars: CHUNK_CAP })
    return streamResponse(array, () => ({
      ...s,
      complete: s.complete || array.closed,
      parseError: s.parseError ?? array.error,
    }))
  }

  return factsParser({
    base,
    active: route.kind !== 'other',
    // Only Code Assist names the model in the request body.
    ...(route.codeAssist
      ? {
          onRequest: (captured, truncated) => {
            const text = captured.whole ? captured.text : captured.head
            const parsed = captured.whole && !truncated ? tryParseJson(text) : null
            requestModel =
              parsed?.ok && isRecord(parsed.value)
                ? readString(parsed.value.model)
                : firstStringField(text, 'model')
          },
        }
      : {}),
    readers: {
      json: (status) => (route.kind === 'stream' ? arrayBody() : jsonBody(status)),
      sse: sseBody,
    },
    buckets: (usage, beside) =>
      route.kind === 'count'
        ? inputOnlyBuckets(readCount(usage.totalTokens))
        : normalizeGeminiUsage(usage, beside),
    ...(route.kind === 'generate' || route.kind === 'stream' ? { output } : {}),
  })
}

/** A POST to a generate route bills the model its path names (Code Assist and Vertex's
 *  OpenAI-compatible route name it in the body); counts and the rest do not. */
export function geminiBillable(meta: ExchangeMeta): BillableRequest | null {
  if (meta.method !== 'POST') return null
  const route = classifyGeminiPath(meta.path)
  if (!route.billable) return null
  return {
    pathModel: route.model,
    modelInBody: route.codeAssist || route.kind === 'openai',
    errorFormat: 'google',
  }
}

/** Gemini API, Vertex AI (incl. Claude and OpenAI-compatible routes) and Code Assist. */
export function geminiDialect(provider: string): ProviderDialect {
  return {
    provider,
    billableRequest: geminiBillable,
    createParser(meta) {
      const route = classifyGeminiPath(meta.path)
      if (route.kind === 'anthropic' || route.kind === 'anthropic-count') {
        return vertexAnthropicParser(provider, meta, route)
      }
      if (route.kind === 'openai') return vertexOpenAIParser(provider, meta)
      return createGeminiParser(provider, route)
    },
  }
}
