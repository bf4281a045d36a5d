// The OpenAI Responses dialect: `POST /v1/responses` as JSON or SSE (also Azure's and ChatGPT's
// `/backend-api/codex/responses`), `/responses/compact`, and the free `/responses/input_tokens`
// count; plus the WebSocket transport Codex uses by default (responses-ws.ts). Final usage comes
// from `response.completed` / `.incomplete` / `.failed`; large output deltas are skipped unread.

import type { ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { isRecord, readCount } from '../common/json-values.ts'
import {
  type BodyKind,
  inputOnlyBuckets,
  noFacts,
  type ResponseFacts,
  seededRecord,
} from '../common/record.ts'
import * as body from '../common/response-body.ts'
import { createOutputText, outputTextOf } from '../common/seen-text.ts'
import { factsParser } from '../common/shell.ts'
import { createSseReader } from '../common/sse-reader.ts'
import { responseBillingFacts } from './billing-facts.ts'
import { classifyOpenAIPath, openaiBillable } from './paths.ts'
import { openaiRequest } from './request.ts'
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

function createResponsesParser(provider: string, meta: ExchangeMeta): ExchangeParser {
  const route = classifyOpenAIPath(meta.path)
  const active =
    route.kind === 'responses' ||
    route.kind === 'responses.compact' ||
    route.kind === 'input_tokens'
  const request = openaiRequest()
  const output = createOutputText()

  function jsonBody(status: number): body.BodyReader<ResponseFacts> {
    const ok = status >= 200 && status < 300
    return body.jsonResponse({
      parsed(json) {
        if (route.kind === 'input_tokens') return body.countFacts(json, 'input_tokens')
        output.add(0, () => outputTextOf(json.output))
        const facts = responseBillingFacts(json)
        return { ...body.topLevelFacts(json, ok && !isRecord(json.error)), facts }
      },
      scanned: body.topLevelScan,
    })
  }

  function sseBody(): body.BodyReader<ResponseFacts> {
    const s = noFacts()
    const onEvent = (name: string | undefined, data: string, truncated: boolean): void => {
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
      if (facts.billing !== null) s.facts = facts.billing
      if (TERMINAL_EVENTS.has(facts.type)) s.complete = !facts.unreadable || facts.usage !== null
      if (facts.unreadable) s.parseError ??= `${facts.type}: event unreadable`
    }
    const reader = createSseReader({
      onEvent: (event) => onEvent(event.event, event.data, event.truncated),
      skipData: (name) => !LIFECYCLE_EVENTS.has(name) && !TEXT_DELTA_EVENTS.has(name),
      maxLineChars: EVENT_CAP,
      maxEventChars: EVENT_CAP,
    })
    return body.streamResponse(reader, () => s)
  }

  const base = (kind: BodyKind | null) =>
    seededRecord(
      provider,
      { ...route, model: active ? request.summary.model : null, stream: request.summary.stream },
      kind,
    )

  return factsParser({
    base,
    active,
    onRequest: request.read,
    readers: { json: jsonBody, sse: sseBody },
    buckets: (usage, beside) =>
      route.kind === 'input_tokens'
        ? inputOnlyBuckets(readCount(usage.input_tokens))
        : normalizeResponsesUsage(usage, beside),
    ...(active && route.kind !== 'input_tokens' ? { output } : {}),
  })
}

/** The Responses dialect (HTTP and WebSocket) under a provider name. */
export function openaiResponsesDialect(provider: string): ProviderDialect {
  return {
    provider,
    createParser: (meta) => createResponsesParser(provider, meta),
    createWsParser: (meta) => createResponsesWsParser(provider, meta),
    billableRequest: openaiBillable,
  }
}
