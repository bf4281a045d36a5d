// The Bedrock Runtime dialect (bedrock-runtime.{region}.amazonaws.com): InvokeModel (model-native
// JSON: Anthropic Messages for Claude, else Nova / OpenAI-style / Titan / Llama, else the token
// count headers), InvokeModelWithResponseStream and ConverseStream (AWS event-stream framing),
// Converse JSON and the free CountTokens. The model is the URL's model id (decoded); for an ARN,
// the model the response names. Pure, incremental, never throws.

import type {
  BillableRequest,
  ExchangeMeta,
  HeaderMap,
  ParsedUsage,
  ProviderDialect,
} from '@tokentap/shared'
import { normalizeAnthropicUsage } from '../anthropic/usage.ts'
import { type NormalizedUsage, readLabel, type UsageFacts } from '../common/billing.ts'
import { lastObjectField } from '../common/json-fields.ts'
import { isRecord, type JsonObject, readCount, readString } from '../common/json-values.ts'
import {
  bodyKind,
  emptyRecord,
  type FullUsage,
  inputOnlyBuckets,
  sourceOf,
} from '../common/record.ts'
import { capturedJson, type JsonBody, NO_USAGE, tooLargeError } from '../common/response-body.ts'
import { createOutputText, type OutputText } from '../common/seen-text.ts'
import { guardedParser } from '../common/shell.ts'
import { type EventStreamReader, eventStreamResponse } from './event-stream.ts'
import { type BedrockRoute, bedrockModel, classifyBedrockPath } from './paths.ts'
import { type BedrockStreamAccumulator, createBedrockStreamAccumulator } from './stream.ts'
import { bedrockObjectText } from './text.ts'
import { headerUsage, nativeUsage, normalizeBedrockUsage, normalizeNative } from './usage.ts'

interface Facts {
  usage: JsonObject | null
  buckets: NormalizedUsage | null
  responseId: string | null
  model: string | null
  complete: boolean
  parseError: string | null
}

const isAnthropicUsage = (usage: unknown): usage is JsonObject =>
  isRecord(usage) && readCount(usage.input_tokens) !== null

function jsonFacts(
  route: BedrockRoute,
  body: JsonBody,
  headers: HeaderMap,
  ok: boolean,
  output: OutputText,
): Facts {
  if (route.operation !== 'count-tokens') output.add(0, () => bedrockObjectText(body.value))
  const fallback = headerUsage(headers)
  const facts = (
    usage: JsonObject | null,
    buckets: NormalizedUsage | null,
    extra: Partial<Facts> = {},
  ): Facts => ({
    usage,
    buckets,
    responseId: null,
    model: null,
    complete: true,
    parseError: null,
    ...extra,
  })
  if (body.value === undefined) {
    const usage = lastObjectField(body.tail, 'usage')
    if (isAnthropicUsage(usage)) return facts(usage, normalizeAnthropicUsage(usage))
    if (fallback !== null) return facts(fallback, normalizeBedrockUsage(fallback))
    return facts(null, null, { parseError: body.parseError ?? tooLargeError(body) })
  }
  const record = isRecord(body.value) ? body.value : {}
  if (route.operation === 'count-tokens') {
    const input = readCount(record.inputTokens)
    return input === null ? facts(null, null) : facts(record, inputOnlyBuckets(input))
  }
  if (route.operation === 'converse') {
    const usage = isRecord(record.usage) ? record.usage : fallback
    if (usage !== null) return facts(usage, normalizeBedrockUsage(usage, converseFacts(record)))
  } else if (isAnthropicUsage(record.usage)) {
    return facts(record.usage, normalizeAnthropicUsage(record.usage), {
      responseId: readString(record.id),
      model: readString(record.model),
    })
  } else {
    const native = nativeUsage(record)
    if (native !== null) return facts(native.usage, normalizeNative(native))
    if (fallback !== null) return facts(fallback, normalizeBedrockUsage(fallback))
  }
  const error = isRecord(body.value) && !('message' in record) && ok ? NO_USAGE : null
  return facts(null, null, { parseError: error })
}

/** Converse's `serviceTier: {type}` (priority / default / flex / reserved): the serving tier. */
export function converseFacts(body: JsonObject): UsageFacts {
  const tier = isRecord(body.serviceTier) ? readLabel(body.serviceTier.type) : null
  return { serviceTier: tier }
}

function streamFacts(reader: EventStreamReader, stream: BedrockStreamAccumulator): Facts {
  const s = stream.summary()
  const cut = reader.error !== null || reader.buffered > 0
  const base = {
    responseId: s.responseId,
    model: s.model,
    complete: s.complete && !cut,
    parseError: reader.error ?? s.parseError,
  }
  if (s.anthropicUsage !== null) {
    return { ...base, usage: s.anthropicUsage, buckets: normalizeAnthropicUsage(s.anthropicUsage) }
  }
  if (s.bedrockUsage !== null) {
    const buckets = normalizeBedrockUsage(s.bedrockUsage, { serviceTier: s.serviceTier })
    return { ...base, usage: s.bedrockUsage, buckets }
  }
  return { ...base, usage: null, buckets: null }
}

function createBedrockParser(provider: string, route: BedrockRoute) {
  const streaming =
    route.operation === 'invoke-with-response-stream' || route.operation === 'converse-stream'
  let headers: HeaderMap = {}
  const output = createOutputText()

  const base = (): FullUsage => ({
    ...emptyRecord(provider, route.endpoint, route.billable),
    model: route.modelId,
    stream: streaming,
    responseId: readString(headers['x-amzn-requestid']),
  })

  function finish(facts: Facts | null): ParsedUsage {
    const record = base()
    if (facts === null) return record
    return {
      ...record,
      model: bedrockModel(route.modelId, facts.model),
      responseId: facts.responseId ?? record.responseId,
      usageSource: sourceOf(facts.usage !== null, facts.complete),
      parseError: facts.parseError,
      rawUsage: facts.usage,
      ...(facts.buckets ?? {}),
    }
  }

  return guardedParser({
    base,
    onResponseHead(status, head) {
      headers = head
      if (route.operation === null) return null
      const kind = bodyKind(head)
      if (kind === 'event-stream') {
        const stream = createBedrockStreamAccumulator(route.operation === 'converse-stream', output)
        return eventStreamResponse(
          (message) => stream.onMessage(message),
          (reader) => streamFacts(reader, stream),
        )
      }
      const ok = status >= 200 && status < 300
      if (kind === 'json') return capturedJson((body) => jsonFacts(route, body, head, ok, output))
      return null
    },
    finish,
    ...(route.billable && route.operation !== null ? { output } : {}),
  })
}

/** Bedrock Runtime: InvokeModel (+ stream), Converse (+ stream), CountTokens. */
/** An invoke / converse POST bills the model its path names (an opaque ARN stays as it is: no
 *  price table knows it); count-tokens does not. */
export function bedrockBillable(meta: ExchangeMeta): BillableRequest | null {
  const route = classifyBedrockPath(meta.path)
  if (meta.method !== 'POST' || !route.billable) return null
  return { pathModel: bedrockModel(route.modelId, null), modelInBody: false, errorFormat: 'aws' }
}

export function bedrockDialect(provider = 'bedrock'): ProviderDialect {
  return {
    provider,
    createParser: (meta) => createBedrockParser(provider, classifyBedrockPath(meta.path)),
    billableRequest: bedrockBillable,
  }
}
