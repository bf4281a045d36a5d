// The Anthropic Messages dialect (api.anthropic.com): a pure, incremental ExchangeParser that
// reads `model`/`stream` from the request and exact usage from the JSON or SSE response. Never
// throws (the shared guardedParser shell): anything unreadable is recorded as `parseError`, with
// whatever was known kept.

import type {
  BillableRequest,
  ExchangeMeta,
  ExchangeParser,
  ProviderDialect,
} from '@tokentap/shared'
import { firstStringField } from '../common/json-fields.ts'
import { readCount, readString } from '../common/json-values.ts'
import {
  type BodyKind,
  inputOnlyBuckets,
  type ResponseFacts,
  seededRecord,
} from '../common/record.ts'
import * as body from '../common/response-body.ts'
import { createOutputText } from '../common/seen-text.ts'
import { factsParser } from '../common/shell.ts'
import { createSseReader } from '../common/sse-reader.ts'
import { readRequestBody } from './request.ts'
import { createMessageStreamAccumulator, sniffAnthropicType, USAGE_EVENTS } from './stream.ts'
import { anthropicBodyText, anthropicEventText, TEXT_EVENTS } from './text.ts'
import { normalizeAnthropicUsage } from './usage.ts'

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

/** A Messages (or legacy Complete) POST bills its body's model; counts and the rest do not. */
export function anthropicBillable(meta: ExchangeMeta): BillableRequest | null {
  if (meta.method !== 'POST' || !classifyAnthropicPath(meta.path).billable) return null
  return { pathModel: null, modelInBody: true, errorFormat: 'anthropic' }
}

function createAnthropicParser(provider: string, meta: ExchangeMeta): ExchangeParser {
  const route = classifyAnthropicPath(meta.path)
  const active = route.kind !== 'other'
  const output = createOutputText()
  let requestModel: string | null = null
  let requestStream: boolean | null = null
  const counting = route.kind === 'count_tokens'

  const base = (kind: BodyKind | null) =>
    seededRecord(
      provider,
      { ...route, model: active ? requestModel : null, stream: requestStream },
      kind,
    )

  function jsonBody(status: number): body.BodyReader<ResponseFacts> {
    const ok = status >= 200 && status < 300
    return body.jsonResponse({
      parsed(json) {
        // count_tokens: `{"input_tokens": N}`, the whole body is the usage object.
        if (counting) return body.countFacts(json, 'input_tokens', readString(json.model))
        output.add(0, () => anthropicBodyText(json))
        return body.topLevelFacts(json, ok && route.kind === 'messages')
      },
      scanned: (head, tail) =>
        counting
          ? { responseId: null, model: firstStringField(head, 'model'), usage: null }
          : body.topLevelScan(head, tail),
    })
  }

  function sseBody(): body.BodyReader<ResponseFacts> {
    const stream = createMessageStreamAccumulator()
    const reader = createSseReader({
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
    return body.streamResponse(reader, () => {
      const s = stream.summary()
      const dropped = reader.resets > 0 ? 'SSE event over the buffer cap dropped' : null
      return {
        responseId: s.responseId,
        model: s.model,
        usage: s.usage,
        complete: s.stopped && !s.usageLost,
        parseError: s.parseError ?? dropped,
      }
    })
  }

  const textRoute = route.kind === 'messages' || route.kind === 'complete'
  return factsParser({
    base,
    active,
    onRequest: (captured, truncated) => {
      const summary = readRequestBody(captured, truncated)
      requestModel = summary.model
      requestStream = summary.stream
    },
    readers: { json: jsonBody, sse: sseBody },
    buckets: (usage) =>
      counting ? inputOnlyBuckets(readCount(usage.input_tokens)) : normalizeAnthropicUsage(usage),
    ...(textRoute ? { output } : {}),
  })
}

/** The Anthropic Messages dialect, recorded under `provider` (TOKENTAP_PROVIDERS may rename it). */
export function anthropicMessagesDialect(provider: string): ProviderDialect {
  return {
    provider,
    createParser: (meta) => createAnthropicParser(provider, meta),
    billableRequest: anthropicBillable,
  }
}

/** The dialect of api.anthropic.com. */
export const anthropicDialect: ProviderDialect = anthropicMessagesDialect('anthropic')
