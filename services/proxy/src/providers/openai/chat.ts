// The OpenAI Chat Completions dialect, shared by every compatible API (OpenAI, Azure OpenAI,
// OpenRouter, Groq, xAI, DeepSeek, Mistral, GitHub Copilot): `chat.completions`, legacy
// `completions` and `embeddings`, JSON or SSE. Pure, incremental and never throws; the stream
// quirks live in chat-stream.ts, the bucket rules in usage.ts, the host's streamed-usage mode (and
// the include_usage injection it allows) in stream-usage.ts.

import type { ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { firstStringField } from '../common/json-fields.ts'
import { isRecord, readString, tryParseJson } from '../common/json-values.ts'
import { type BodyKind, type ResponseFacts, seededRecord } from '../common/record.ts'
import {
  type BodyReader,
  jsonResponse,
  streamResponse,
  topLevelFacts,
  topLevelScan,
} from '../common/response-body.ts'
import { createOutputText, outputTextOf } from '../common/seen-text.ts'
import { factsParser } from '../common/shell.ts'
import { createSseReader } from '../common/sse-reader.ts'
import { chatBillingFacts } from './billing-facts.ts'
import { createChatStreamAccumulator } from './chat-stream.ts'
import { classifyOpenAIPath, openaiBillable } from './paths.ts'
import { openaiRequest } from './request.ts'
import {
  missingStreamUsageReason,
  type StreamUsageOptions,
  streamUsageHooks,
} from './stream-usage.ts'
import { normalizeChatUsage } from './usage.ts'

/** The output text of one stream chunk (`choices[].delta`, legacy `choices[].text`). */
export function chatChunkText(data: string): string {
  if (data.trim() === '[DONE]') return ''
  const parsed = tryParseJson(data)
  return parsed.ok && isRecord(parsed.value) ? outputTextOf(parsed.value.choices) : ''
}

function createChatParser(
  provider: string,
  meta: ExchangeMeta,
  opts: StreamUsageOptions,
): ExchangeParser {
  const route = classifyOpenAIPath(meta.path)
  const active =
    route.kind === 'chat' || route.kind === 'completions' || route.kind === 'embeddings'
  const request = openaiRequest()
  let streamed = false // an SSE body is being read
  const stream = createChatStreamAccumulator()
  const output = createOutputText()

  const base = (kind: BodyKind | null) =>
    seededRecord(
      provider,
      {
        ...route,
        model: active ? (request.summary.model ?? route.deployment) : null,
        stream: request.summary.stream,
      },
      kind,
    )

  function jsonBody(status: number): BodyReader<ResponseFacts> {
    const ok = status >= 200 && status < 300
    return jsonResponse({
      parsed(body) {
        output.add(0, () => outputTextOf(body.choices))
        const model = readString(body.model) ?? request.summary.model
        const facts = chatBillingFacts(body.service_tier, model)
        return { ...topLevelFacts(body, ok && !isRecord(body.error)), facts }
      },
      // An embeddings list puts `model` after its data, so the tail is tried too.
      scanned: (head, tail) => {
        const scan = topLevelScan(head, tail)
        return { ...scan, model: scan.model ?? firstStringField(tail, 'model') }
      },
    })
  }

  function sseBody(): BodyReader<ResponseFacts> {
    streamed = true
    const reader = createSseReader({
      onEvent: (event) => {
        const data = event.data
        output.add(data.length, () => (event.truncated ? '' : chatChunkText(data)))
        stream.onData(data, event.truncated)
      },
    })
    return streamResponse(reader, () => {
      const { serviceTier, ...s } = stream.summary()
      const facts = chatBillingFacts(serviceTier, s.model ?? request.summary.model)
      return { ...s, complete: s.done || s.usageFinal, facts }
    })
  }

  return factsParser({
    base,
    active,
    onRequest: request.read,
    readers: { json: jsonBody, sse: sseBody },
    // Azure: the response names the model; the deployment (base().model) is the fallback.
    buckets: (usage, beside) => normalizeChatUsage(usage, route.kind === 'embeddings', beside),
    ...(active ? { output } : {}),
    missingUsageReason() {
      // A finished stream without usage (an aborted one simply ended before it).
      if (!streamed || request.summary.includeUsage === true) return undefined
      const s = stream.summary()
      return s.done && s.usage === null ? missingStreamUsageReason(opts, meta.path) : undefined
    },
  })
}

/** The Chat Completions dialect under a provider name (openai, azure-openai, groq, xai, …); its
 *  streamed requests are asked for usage when `opts` say so. */
export function openaiChatDialect(
  provider: string,
  opts: StreamUsageOptions = {},
): ProviderDialect {
  return {
    provider,
    createParser: (meta) => createChatParser(provider, meta, opts),
    billableRequest: openaiBillable,
    ...streamUsageHooks(opts),
  }
}
