// The Amazon Q Developer / Kiro dialect (q.{region}.amazonaws.com, codewhisperer.{region}…).
// The streaming API is undocumented; what this parser assumes, from observed clients:
// - the chat call is `POST /generateAssistantResponse` (REST style, as Kiro sends it) or `POST /`
//   with `x-amz-target: AmazonCodeWhispererStreamingService.GenerateAssistantResponse` (awsJson
//   style); `SendMessage` / `SendMessageStreaming` are treated alike;
// - the response is AWS event-stream framing; `:event-type` names the payload, JSON, sometimes
//   wrapped as `{"<eventType>": {…}}`:
//   `assistantResponseEvent` {content, modelId?} · `meteringEvent` {unit: "credit",
//   unitPlural: "credits", usage: 0.42} — credits charged; several events are summed ·
//   `metadataEvent` {tokenUsage: {uncachedInputTokens, outputTokens, cacheReadInputTokens,
//   cacheWriteInputTokens, totalTokens}} — disjoint buckets, the last one wins · others ignored;
// - exception frames end the stream (usage so far kept, partial);
// - the model is the request's `conversationState.currentMessage.userInputMessage.modelId` (or an
//   assistantResponseEvent's `modelId`); the response id is the `x-amzn-requestid` header.
// Credits are recorded in `credits` and kept in `rawUsage.credits` for recomputing.

import type { ParsedUsage, ProviderDialect, TokenBuckets } from '@tokentap/shared'
import type { CapturedBody } from '../common/body-capture.ts'
import { firstStringField } from '../common/json-fields.ts'
import {
  isRecord,
  type JsonObject,
  readCount,
  readString,
  tryParseJson,
} from '../common/json-values.ts'
import { barePath, bodyKind, emptyRecord, type FullUsage, sourceOf } from '../common/record.ts'
import { guardedParser } from '../common/shell.ts'
import {
  type EventStreamMessage,
  type EventStreamReader,
  eventStreamResponse,
} from './event-stream.ts'

const CHAT_OPERATIONS = /^(generateassistantresponse|sendmessage|sendmessagestreaming)$/i

/** What Amazon Q reports for one exchange; the `rawUsage` of its record. */
export interface AmazonQUsage {
  /** Credits charged (sum of `meteringEvent.usage` in credit units), null when none was seen. */
  credits: number | null
  /** The metering events as sent (at most 16 kept). */
  metering: JsonObject[]
  /** The last `metadataEvent.tokenUsage`, else null. */
  tokenUsage: JsonObject | null
}

/** The credits of an Amazon Q record (from `rawUsage.credits`), else null. */
export function creditsOf(usage: ParsedUsage): number | null {
  const raw = usage.rawUsage
  return isRecord(raw) && typeof raw.credits === 'number' && Number.isFinite(raw.credits)
    ? raw.credits
    : null
}

function operationOf(path: string, target: string | undefined): string {
  const fromTarget = target?.split('.').pop()
  const bare = barePath(path)
  return bare === '/' && fromTarget ? fromTarget : bare.replace(/^\//, '')
}

function requestModel(captured: CapturedBody, truncated: boolean): string | null {
  if (captured.whole && !truncated) {
    const parsed = tryParseJson(captured.text)
    const state = parsed.ok && isRecord(parsed.value) ? parsed.value.conversationState : null
    const current = isRecord(state) ? state.currentMessage : null
    const message = isRecord(current) ? current.userInputMessage : null
    if (isRecord(message)) return readString(message.modelId)
  }
  const head = captured.whole ? captured.text : captured.head
  return (
    firstStringField(head, 'modelId') ??
    (captured.whole ? null : firstStringField(captured.tail, 'modelId'))
  )
}

function tokenBuckets(usage: JsonObject): TokenBuckets {
  return {
    inputTokens: readCount(usage.uncachedInputTokens),
    outputTokens: readCount(usage.outputTokens),
    cacheReadTokens: readCount(usage.cacheReadInputTokens) ?? 0,
    cacheWrite5mTokens: readCount(usage.cacheWriteInputTokens) ?? 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: null,
  }
}

function createAmazonQParser(provider: string, operation: string) {
  const chat = CHAT_OPERATIONS.test(operation)
  const endpoint = chat ? operation : `/${operation}`
  let model: string | null = null
  let responseId: string | null = null
  const q: AmazonQUsage = { credits: null, metering: [], tokenUsage: null }
  let exception = false
  let parseError: string | null = null

  function onMessage(message: EventStreamMessage): void {
    if (exception) return
    const type = message.headers[':message-type']
    if (type === 'exception' || type === 'error') {
      exception = true
      return
    }
    const event = message.headers[':event-type']
    if (
      event !== 'meteringEvent' &&
      event !== 'metadataEvent' &&
      event !== 'assistantResponseEvent'
    )
      return
    const parsed = tryParseJson(new TextDecoder().decode(message.payload))
    if (!parsed.ok || !isRecord(parsed.value)) {
      parseError ??= `${event}: invalid JSON`
      return
    }
    const body = isRecord(parsed.value[event]) ? parsed.value[event] : parsed.value
    if (event === 'assistantResponseEvent') model ??= readString(body.modelId)
    else if (event === 'metadataEvent' && isRecord(body.tokenUsage)) q.tokenUsage = body.tokenUsage
    else if (event === 'meteringEvent') {
      if (q.metering.length < 16) q.metering.push(body)
      const credits =
        typeof body.usage === 'number' && Number.isFinite(body.usage) ? body.usage : null
      const unit = readString(body.unit) ?? 'credit'
      if (credits !== null && unit.toLowerCase().startsWith('credit'))
        q.credits = (q.credits ?? 0) + credits
    }
  }

  const base = (): FullUsage => ({
    ...emptyRecord(provider, endpoint, chat),
    model: chat ? model : null,
    // The chat operations belong to the streaming services (event-stream answers).
    stream: chat,
    responseId,
  })

  /** The record, with the event-stream reader as it ended (null: no stream was read). */
  function finish(reader: EventStreamReader | null): ParsedUsage {
    const record = base()
    const seen = q.credits !== null || q.tokenUsage !== null || q.metering.length > 0
    if (reader === null || !seen) return { ...record, parseError: reader?.error ?? parseError }
    const cut = exception || reader.error !== null || reader.buffered > 0
    return {
      ...record,
      usageSource: sourceOf(true, !cut),
      parseError: reader.error ?? parseError,
      rawUsage: { ...q, metering: [...q.metering] },
      credits: q.credits,
      ...(q.tokenUsage === null ? {} : tokenBuckets(q.tokenUsage)),
    }
  }

  return guardedParser({
    base,
    ...(chat
      ? {
          onRequest: (captured: CapturedBody, truncated: boolean) => {
            model = requestModel(captured, truncated) ?? model
          },
        }
      : {}),
    onResponseHead(_status, headers) {
      responseId = readString(headers['x-amzn-requestid'])
      if (!chat || bodyKind(headers) !== 'event-stream') return null
      return eventStreamResponse(onMessage, (reader) => reader)
    },
    finish,
  })
}

/** Amazon Q Developer / Kiro: credits (`meteringEvent`) and token counts (`metadataEvent`). */
export function amazonQDialect(provider = 'amazon-q'): ProviderDialect {
  return {
    provider,
    createParser: (meta) =>
      createAmazonQParser(provider, operationOf(meta.path, meta.requestHeaders['x-amz-target'])),
  }
}
