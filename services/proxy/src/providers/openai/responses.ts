// The OpenAI Responses dialect: `POST /v1/responses` as JSON or SSE (also Azure's and ChatGPT's
// `/backend-api/codex/responses`), `/responses/compact`, and the free `/responses/input_tokens`
// count; plus the WebSocket transport Codex uses by default (responses-ws.ts). Final usage comes
// from `response.completed` / `.incomplete` / `.failed`; large output deltas are skipped unread.

import type { ExchangeMeta, ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'
import {
  type BodyCapture,
  createBodyCapture,
  firstStringField,
  lastObjectField,
  RESPONSE_LIMITS,
} from '../anthropic/body.ts'
import { createSseReader, type SseReader } from '../anthropic/sse.ts'
import { isRecord, type JsonObject, readCount, readString } from '../anthropic/usage.ts'
import { readJsonBody, tooLargeError } from '../common/json-body.ts'
import {
  type BodyKind,
  bodyKind,
  emptyRecord,
  type FullUsage,
  inputOnlyBuckets,
  withFacts,
} from '../common/record.ts'
import { createOutputText, outputTextOf } from '../common/seen-text.ts'
import { guardedParser } from '../common/shell.ts'
import { classifyOpenAIPath } from './paths.ts'
import { type OpenAIRequestSummary, readOpenAIRequest } from './request.ts'
import {
  deltaText,
  LIFECYCLE_EVENTS,
  readResponseEvent,
  sniffEventType,
  TERMINAL_EVENTS,
  TEXT_DELTA_EVENTS,
} from './responses-events.ts'
import { createResponsesWsParser } from './responses-ws.ts'
import { normalizeResponsesUsage } from './usage.ts'

/** A `response.completed` event repeats the whole output: allow big ones before cutting. */
const EVENT_CAP = 16 << 20

interface Facts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  complete: boolean
  parseError: string | null
}

function createResponsesParser(provider: string, meta: ExchangeMeta): ExchangeParser {
  const route = classifyOpenAIPath(meta.path)
  const active =
    route.kind === 'responses' ||
    route.kind === 'responses.compact' ||
    route.kind === 'input_tokens'
  let request: OpenAIRequestSummary = { model: null, stream: null, includeUsage: null }
  let status = 0
  let kind: BodyKind | null = null
  let json: BodyCapture | null = null
  let sse: SseReader | null = null
  const s: Facts = { responseId: null, model: null, usage: null, complete: false, parseError: null }
  const output = createOutputText()

  function onSseEvent(name: string | undefined, data: string, truncated: boolean): void {
    const type = name ?? sniffEventType(data)
    if (type !== undefined && TEXT_DELTA_EVENTS.has(type)) {
      output.add(data.length, () => (truncated ? '' : deltaText(data)))
      return
    }
    const facts = readResponseEvent(type, data, truncated)
    if (facts === null) return
    s.responseId ??= facts.responseId
    if (facts.model !== null) s.model = facts.model
    if (facts.usage !== null) s.usage = facts.usage
    if (TERMINAL_EVENTS.has(facts.type)) s.complete = !facts.unreadable || facts.usage !== null
    if (facts.unreadable) s.parseError ??= `${facts.type}: event unreadable`
  }

  function jsonFacts(capture: BodyCapture): Facts {
    const captured = capture.finish()
    const body = readJsonBody(captured)
    if (body.value === undefined) {
      const usage = lastObjectField(body.tail, 'usage')
      return {
        responseId: firstStringField(body.head, 'id'),
        model: firstStringField(body.head, 'model'),
        usage,
        complete: true,
        parseError: body.parseError ?? (usage === null ? tooLargeError(captured) : null),
      }
    }
    const record = isRecord(body.value) ? body.value : null
    if (route.kind === 'input_tokens') {
      const counted = record !== null && readCount(record.input_tokens) !== null
      return {
        responseId: null,
        model: null,
        usage: counted ? record : null,
        complete: true,
        parseError: null,
      }
    }
    output.add(0, () => outputTextOf(record?.output))
    const usage = isRecord(record?.usage) ? record.usage : null
    const ok = status >= 200 && status < 300
    const missing = ok && record !== null && usage === null && !isRecord(record.error)
    return {
      responseId: readString(record?.id),
      model: readString(record?.model),
      usage,
      complete: true,
      parseError:
        record === null
          ? 'response JSON is not an object'
          : missing
            ? 'response has no usage'
            : null,
    }
  }

  const base = (): FullUsage => ({
    ...emptyRecord(provider, route.endpoint, route.billable),
    model: active ? request.model : null,
    stream: kind === null ? request.stream === true : kind === 'sse',
  })

  function finish(): ParsedUsage {
    let facts: Facts | null = null
    if (json !== null) facts = jsonFacts(json)
    else if (sse !== null) {
      sse.end()
      facts = s
    }
    return withFacts(base(), facts, (usage) =>
      route.kind === 'input_tokens'
        ? inputOnlyBuckets(readCount(usage.input_tokens))
        : normalizeResponsesUsage(usage),
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
          onEvent: (event) => onSseEvent(event.event, event.data, event.truncated),
          skipData: (name) => !LIFECYCLE_EVENTS.has(name) && !TEXT_DELTA_EVENTS.has(name),
          maxLineChars: EVENT_CAP,
          maxEventChars: EVENT_CAP,
        })
      }
    },
    onResponseChunk(chunk) {
      json?.push(chunk)
      sse?.push(chunk)
    },
    finish,
    ...(active && route.kind !== 'input_tokens' ? { output } : {}),
  })
}

/** The Responses dialect (HTTP and WebSocket) under a provider name. */
export function openaiResponsesDialect(provider: string): ProviderDialect {
  return {
    provider,
    createParser: (meta) => createResponsesParser(provider, meta),
    createWsParser: (meta) => createResponsesWsParser(provider, meta),
  }
}
