// The Gemini dialect: Gemini API, Vertex AI and Code Assist (cloudcode-pa, bodies wrapped in
// `{"response": …}`). `:generateContent` JSON, `:streamGenerateContent` as SSE (`alt=sse`) or as a
// streamed JSON array, and the free `:countTokens`. Stream chunks carry cumulative usage
// snapshots: the last non-empty one is kept, never a sum. Claude and OpenAI-compatible routes on
// Vertex are delegated (delegate.ts). Pure, incremental, never throws.

import type { ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'
import {
  type BodyCapture,
  createBodyCapture,
  firstStringField,
  lastObjectField,
  RESPONSE_LIMITS,
} from '../anthropic/body.ts'
import { createSseReader, type SseReader } from '../anthropic/sse.ts'
import {
  isRecord,
  type JsonObject,
  readCount,
  readString,
  tryParseJson,
} from '../anthropic/usage.ts'
import { createJsonArraySplitter, type JsonArraySplitter } from '../common/json-array.ts'
import { readJsonBody, tooLargeError } from '../common/json-body.ts'
import {
  bodyKind,
  emptyRecord,
  type FullUsage,
  inputOnlyBuckets,
  withFacts,
} from '../common/record.ts'
import { createOutputText, outputTextOf } from '../common/seen-text.ts'
import { guardedParser } from '../common/shell.ts'
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

interface Facts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  complete: boolean
  parseError: string | null
}

function createGeminiParser(provider: string, route: GeminiRoute): ExchangeParser {
  let requestModel: string | null = null
  let status = 0
  let isStream = route.kind === 'stream'
  let json: BodyCapture | null = null
  let sse: SseReader | null = null
  let array: JsonArraySplitter | null = null
  const s: Facts = { responseId: null, model: null, usage: null, complete: false, parseError: null }
  const output = createOutputText()

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
    if (facts.finished) s.complete = true
  }

  function jsonFacts(capture: BodyCapture): Facts {
    const captured = capture.finish()
    const body = readJsonBody(captured)
    if (body.value === undefined) {
      // Too large (inline images): the usage, model and id are serialised last.
      const usage = lastObjectField(body.tail, 'usageMetadata')
      return {
        responseId: firstStringField(body.tail, 'responseId'),
        model: firstStringField(body.tail, 'modelVersion'),
        usage: isUsageMetadata(usage) ? usage : null,
        complete: true,
        parseError: body.parseError ?? (usage === null ? tooLargeError(captured) : null),
      }
    }
    if (route.kind === 'count') {
      const record = isRecord(body.value) ? body.value : null
      const counted = record !== null && readCount(record.totalTokens) !== null
      return {
        responseId: null,
        model: null,
        usage: counted ? record : null,
        complete: true,
        parseError: null,
      }
    }
    output.add(0, () => geminiText(body.value, route.codeAssist))
    const facts = readGeminiChunk(body.value, route.codeAssist)
    const ok = status >= 200 && status < 300
    const missing = ok && facts !== null && facts.usage === null
    return {
      responseId: facts?.responseId ?? null,
      model: facts?.model ?? null,
      usage: facts?.usage ?? null,
      complete: true,
      parseError:
        facts === null
          ? 'response JSON is not an object'
          : missing
            ? 'response has no usage'
            : null,
    }
  }

  const base = (): FullUsage => ({
    ...emptyRecord(provider, route.endpoint, route.billable),
    model: route.kind === 'other' ? null : (route.model ?? requestModel),
    stream: isStream,
  })

  function finish(): ParsedUsage {
    let facts: Facts | null = null
    if (json !== null) facts = jsonFacts(json)
    else if (sse !== null) {
      sse.end()
      facts = s
    } else if (array !== null) {
      array.end()
      facts = {
        ...s,
        complete: s.complete || array.closed,
        parseError: s.parseError ?? array.error,
      }
    }
    return withFacts(base(), facts, (usage) =>
      route.kind === 'count'
        ? inputOnlyBuckets(readCount(usage.totalTokens))
        : normalizeGeminiUsage(usage),
    )
  }

  return guardedParser({
    base,
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
    onResponseHead(code, headers) {
      status = code
      const kind = bodyKind(headers)
      isStream = route.kind === 'stream' || kind === 'sse'
      if (route.kind === 'other') return
      if (kind === 'sse') {
        sse = createSseReader({
          onEvent: (event) => onChunk(event.data, event.truncated),
          maxLineChars: CHUNK_CAP,
          maxEventChars: CHUNK_CAP,
        })
      } else if (kind === 'json' && route.kind === 'stream') {
        array = createJsonArraySplitter({ onElement: onChunk, maxElementChars: CHUNK_CAP })
      } else if (kind === 'json') json = createBodyCapture(RESPONSE_LIMITS)
    },
    onResponseChunk(chunk) {
      json?.push(chunk)
      sse?.push(chunk)
      array?.push(chunk)
    },
    finish,
    ...(route.kind === 'generate' || route.kind === 'stream' ? { output } : {}),
  })
}

/** Gemini API, Vertex AI (incl. Claude and OpenAI-compatible routes) and Code Assist. */
export function geminiDialect(provider: string): ProviderDialect {
  return {
    provider,
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
