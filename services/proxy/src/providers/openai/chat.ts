// The OpenAI Chat Completions dialect, shared by every compatible API (OpenAI, Azure OpenAI,
// OpenRouter, Groq, xAI, DeepSeek, Mistral, GitHub Copilot): `chat.completions`, legacy
// `completions` and `embeddings`, JSON or SSE. Pure, incremental and never throws; the stream
// quirks live in chat-stream.ts, the bucket rules in usage.ts.

import type { ExchangeMeta, ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'
import {
  type BodyCapture,
  createBodyCapture,
  firstStringField,
  lastObjectField,
  RESPONSE_LIMITS,
} from '../anthropic/body.ts'
import { createSseReader, type SseReader } from '../anthropic/sse.ts'
import { isRecord, type JsonObject, readString, tryParseJson } from '../anthropic/usage.ts'
import { readJsonBody, tooLargeError } from '../common/json-body.ts'
import {
  type BodyKind,
  bodyKind,
  emptyRecord,
  type FullUsage,
  withFacts,
} from '../common/record.ts'
import { createOutputText, type OutputText, outputTextOf } from '../common/seen-text.ts'
import { guardedParser } from '../common/shell.ts'
import { createChatStreamAccumulator } from './chat-stream.ts'
import { classifyOpenAIPath } from './paths.ts'
import { type OpenAIRequestSummary, readOpenAIRequest } from './request.ts'
import { normalizeChatUsage } from './usage.ts'

interface JsonFacts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  parseError: string | null
}

/** The output text of one stream chunk (`choices[].delta`, legacy `choices[].text`). */
export function chatChunkText(data: string): string {
  if (data.trim() === '[DONE]') return ''
  const parsed = tryParseJson(data)
  return parsed.ok && isRecord(parsed.value) ? outputTextOf(parsed.value.choices) : ''
}

function readChatJson(capture: BodyCapture, ok: boolean, out: OutputText): JsonFacts {
  const captured = capture.finish()
  const body = readJsonBody(captured)
  if (body.value === undefined) {
    // Too large (or invalid): `id` and `model` lead a completion, `usage` ends it; an embeddings
    // list puts `model` after its data, so the tail is tried too.
    const usage = lastObjectField(body.tail, 'usage')
    const scanned = !captured.whole && usage === null ? tooLargeError(captured) : null
    return {
      responseId: firstStringField(body.head, 'id'),
      model: firstStringField(body.head, 'model') ?? firstStringField(body.tail, 'model'),
      usage,
      parseError: body.parseError ?? scanned,
    }
  }
  const record = isRecord(body.value) ? body.value : null
  out.add(0, () => outputTextOf(record?.choices))
  const usage = isRecord(record?.usage) ? record.usage : null
  const missing = ok && record !== null && usage === null && !isRecord(record.error)
  return {
    responseId: readString(record?.id),
    model: readString(record?.model),
    usage,
    parseError:
      record === null ? 'response JSON is not an object' : missing ? 'response has no usage' : null,
  }
}

function createChatParser(provider: string, meta: ExchangeMeta): ExchangeParser {
  const route = classifyOpenAIPath(meta.path)
  const active =
    route.kind === 'chat' || route.kind === 'completions' || route.kind === 'embeddings'
  let request: OpenAIRequestSummary = { model: null, stream: null, includeUsage: null }
  let status = 0
  let kind: BodyKind | null = null
  let json: BodyCapture | null = null
  let sse: SseReader | null = null
  const stream = createChatStreamAccumulator()
  const output = createOutputText()
  let sawUsage = false

  const base = (): FullUsage => ({
    ...emptyRecord(provider, route.endpoint, route.billable),
    model: active ? (request.model ?? route.deployment) : null,
    stream: kind === null ? request.stream === true : kind === 'sse',
  })

  function finish(): ParsedUsage {
    let facts: JsonFacts | null = null
    let complete = false
    if (json !== null) {
      facts = readChatJson(json, status >= 200 && status < 300, output)
      complete = true
    } else if (sse !== null) {
      sse.end()
      const s = stream.summary()
      facts = s
      complete = s.done || s.usageFinal
    }
    sawUsage = (facts?.usage ?? null) !== null
    // Azure: the response names the model; the deployment (base().model) is the fallback.
    return withFacts(base(), facts && { ...facts, complete }, (usage) =>
      normalizeChatUsage(usage, route.kind === 'embeddings'),
    )
  }

  return guardedParser({
    base,
    ...(active
      ? {
          onRequest: (captured, truncated) => {
            request = readOpenAIRequest(captured, truncated)
          },
        }
      : {}),
    onResponseHead(code, headers) {
      status = code
      kind = bodyKind(headers)
      if (!active) return
      if (kind === 'json') json = createBodyCapture(RESPONSE_LIMITS)
      if (kind === 'sse') {
        sse = createSseReader({
          onEvent: (event) => {
            const data = event.data
            output.add(data.length, () => (event.truncated ? '' : chatChunkText(data)))
            stream.onData(data, event.truncated)
          },
        })
      }
    },
    onResponseChunk(chunk) {
      json?.push(chunk)
      sse?.push(chunk)
    },
    finish,
    ...(active ? { output } : {}),
    missingUsageReason: () =>
      // A finished stream without usage (an aborted one simply ended before it).
      sse !== null && !sawUsage && request.includeUsage !== true && stream.summary().done
        ? 'stream without usage (the client did not ask for stream_options.include_usage)'
        : undefined,
  })
}

/** The Chat Completions dialect under a provider name (openai, azure-openai, groq, xai, …). */
export function openaiChatDialect(provider: string): ProviderDialect {
  return { provider, createParser: (meta) => createChatParser(provider, meta) }
}
