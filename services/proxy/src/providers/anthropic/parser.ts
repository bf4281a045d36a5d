// The Anthropic Messages dialect (api.anthropic.com): a pure, incremental ExchangeParser that
// reads `model`/`stream` from the request and exact usage from the JSON or SSE response. Never
// throws (the shared guardedParser shell): anything unreadable is recorded as `parseError`, with
// whatever was known kept.

import type {
  ExchangeMeta,
  ExchangeParser,
  HeaderMap,
  ParsedUsage,
  ProviderDialect,
  UsageSource,
} from '@tokentap/shared'
import { emptyBuckets } from '@tokentap/shared'
import { createOutputText } from '../common/seen-text.ts'
import { guardedParser } from '../common/shell.ts'
import { type BodyCapture, type CapturedBody, createBodyCapture, RESPONSE_LIMITS } from './body.ts'
import { readMessageBody, readRequestBody } from './message.ts'
import { createSseReader, type SseReader } from './sse.ts'
import { createMessageStreamAccumulator, USAGE_EVENTS } from './stream.ts'
import { anthropicBodyText, anthropicEventText, sniffAnthropicType, TEXT_EVENTS } from './text.ts'
import { isRecord, type JsonObject, normalizeAnthropicUsage, readCount } from './usage.ts'

export type AnthropicEndpointKind = 'messages' | 'count_tokens' | 'complete' | 'other'

export interface AnthropicEndpoint {
  kind: AnthropicEndpointKind
  /** `messages`, `count_tokens`, `complete`, or the bare path for anything else. */
  endpoint: string
  billable: boolean
}

/** Classifies an Anthropic API request target (query and trailing slash ignored). */
export function classifyAnthropicPath(path: string): AnthropicEndpoint {
  const bare = path.replace(/[?#].*$/s, '')
  const trimmed = bare.length > 1 ? bare.replace(/\/+$/, '') : bare
  if (trimmed === '/v1/messages') return { kind: 'messages', endpoint: 'messages', billable: true }
  if (trimmed === '/v1/messages/count_tokens') {
    return { kind: 'count_tokens', endpoint: 'count_tokens', billable: false }
  }
  if (trimmed === '/v1/complete') return { kind: 'complete', endpoint: 'complete', billable: true }
  return { kind: 'other', endpoint: bare, billable: false }
}

export type ResponseKind = 'sse' | 'json' | 'other'

/** How to read a response body, from its `content-type`. */
export function responseKind(headers: HeaderMap): ResponseKind {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'text/event-stream') return 'sse'
  if (type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type)) return 'json'
  return 'other'
}

/** What a response told us, before normalisation. */
interface ResponseFacts {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  complete: boolean
  parseError: string | null
}

function createAnthropicParser(meta: ExchangeMeta): ExchangeParser {
  const route = classifyAnthropicPath(meta.path)
  const active = route.kind !== 'other'
  const output = createOutputText()
  let requestModel: string | null = null
  let requestStream: boolean | null = null
  let status: number | null = null
  let kind: ResponseKind | null = null
  let json: BodyCapture | null = null
  let sse: SseReader | null = null
  const stream = createMessageStreamAccumulator()

  function readRequest(captured: CapturedBody, truncated: boolean): void {
    const summary = readRequestBody(captured, truncated)
    requestModel = summary.model
    requestStream = summary.stream
  }

  function startResponse(headers: HeaderMap): void {
    kind = responseKind(headers)
    if (!active) return
    if (kind === 'json') json = createBodyCapture(RESPONSE_LIMITS)
    if (kind === 'sse') {
      sse = createSseReader({
        onEvent: (event) => {
          const type = event.event ?? sniffAnthropicType(event.data)
          if (type !== undefined && TEXT_EVENTS.has(type)) {
            output.add(event.data.length, () =>
              event.truncated ? '' : anthropicEventText(type, event.data),
            )
          }
          stream.onEvent(event.event, event.data, event.truncated)
        },
        skipData: (name) => !USAGE_EVENTS.has(name) && !TEXT_EVENTS.has(name),
      })
    }
  }

  function jsonFacts(capture: BodyCapture): ResponseFacts {
    const body = readMessageBody(capture.finish())
    if (route.kind === 'count_tokens') {
      // `{"input_tokens": N}`: the whole body is the usage object.
      const counted = isRecord(body.body) && readCount(body.body.input_tokens) !== null
      return {
        responseId: null,
        model: body.model,
        usage: counted && isRecord(body.body) ? body.body : null,
        complete: true,
        parseError: body.parseError,
      }
    }
    output.add(0, () => anthropicBodyText(body.body))
    const ok = status !== null && status >= 200 && status < 300
    const missing = ok && route.kind === 'messages' && body.usage === null && !body.parseError
    return {
      responseId: body.responseId,
      model: body.model,
      usage: body.usage,
      complete: true,
      parseError: body.parseError ?? (missing ? 'response has no usage' : null),
    }
  }

  function sseFacts(reader: SseReader): ResponseFacts {
    reader.end()
    const s = stream.summary()
    const dropped = reader.resets > 0 ? 'SSE event over the buffer cap dropped' : null
    return {
      responseId: s.responseId,
      model: s.model,
      usage: s.usage,
      complete: s.stopped && !s.usageLost,
      parseError: s.parseError ?? dropped,
    }
  }

  function finish(): ParsedUsage {
    let facts: ResponseFacts | null = null
    if (json !== null) facts = jsonFacts(json)
    else if (sse !== null) facts = sseFacts(sse)
    const usage = facts?.usage ?? null
    let source: UsageSource = 'none'
    if (usage !== null) source = facts?.complete ? 'provider' : 'partial'
    const buckets = emptyBuckets()
    if (usage !== null && route.kind === 'count_tokens') {
      buckets.inputTokens = readCount(usage.input_tokens)
    } else if (usage !== null) {
      Object.assign(buckets, normalizeAnthropicUsage(usage))
    }
    return {
      provider: 'anthropic',
      endpoint: route.endpoint,
      model: active ? (facts?.model ?? requestModel) : null,
      stream: kind === null ? requestStream === true : kind === 'sse',
      responseId: facts?.responseId ?? null,
      usageSource: source,
      billable: route.billable,
      parseError: facts?.parseError ?? null,
      rawUsage: usage,
      credits: null,
      ...buckets,
    }
  }

  // The record when finish() itself failed: what is known without the body.
  const base = (): ParsedUsage => ({
    provider: 'anthropic',
    endpoint: route.endpoint,
    stream: kind === 'sse',
    usageSource: 'none',
    billable: route.billable,
    ...emptyBuckets(),
  })

  const textRoute = route.kind === 'messages' || route.kind === 'complete'
  return guardedParser({
    base,
    ...(active ? { onRequest: readRequest } : {}),
    onResponseHead(code, headers) {
      status = code
      startResponse(headers)
    },
    onResponseChunk(chunk) {
      json?.push(chunk)
      sse?.push(chunk)
    },
    finish,
    ...(textRoute ? { output } : {}),
  })
}

export const anthropicDialect: ProviderDialect = {
  provider: 'anthropic',
  createParser: createAnthropicParser,
}
