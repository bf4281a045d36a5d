// Reads the event-stream messages of Bedrock's two streaming operations:
// - InvokeModelWithResponseStream: `chunk` events whose payload is `{"bytes":"<base64>"}`, the
//   base64 holding one model-native event (for Claude, an Anthropic stream event, overlaid by the
//   Anthropic accumulator); the last chunk carries `amazon-bedrock-invocationMetrics`;
// - ConverseStream: typed events; the `metadata` event holds `usage`.
// An exception (or error) message ends the stream: what was seen is kept, flagged incomplete.
// Only usage-bearing payloads are JSON-parsed. O(1) memory.

import { Buffer } from 'node:buffer'
import { createMessageStreamAccumulator } from '../anthropic/stream.ts'
import { readLabel } from '../common/billing.ts'
import { isRecord, type JsonObject, tryParseJson } from '../common/json-values.ts'
import type { OutputText } from '../common/seen-text.ts'
import type { EventStreamMessage } from './event-stream.ts'
import { bedrockChunkText, converseDeltaText } from './text.ts'

export interface BedrockStreamSummary {
  /** Anthropic usage (Claude via invoke-with-response-stream), overlaid across events. */
  anthropicUsage: JsonObject | null
  /** invocationMetrics, or ConverseStream / Nova `usage`. */
  bedrockUsage: JsonObject | null
  responseId: string | null
  model: string | null
  /** The final usage arrived (invocationMetrics, message_stop or Converse metadata). */
  complete: boolean
  /** An exception or error message ended the stream. */
  exception: string | null
  parseError: string | null
  /** ConverseStream metadata `serviceTier.type`, when sent. */
  serviceTier: string | null
}

export interface BedrockStreamAccumulator {
  onMessage(message: EventStreamMessage): void
  summary(): BedrockStreamSummary
}

const METRICS = 'amazon-bedrock-invocationMetrics'

export function createBedrockStreamAccumulator(
  converse: boolean,
  output?: OutputText,
): BedrockStreamAccumulator {
  const anthropic = createMessageStreamAccumulator()
  let bedrockUsage: JsonObject | null = null
  let metricsSeen = false
  let exception: string | null = null
  let parseError: string | null = null
  let serviceTier: string | null = null

  function parse(payload: Uint8Array | string, what: string): JsonObject | null {
    const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload)
    const parsed = tryParseJson(text)
    if (parsed.ok && isRecord(parsed.value)) return parsed.value
    parseError ??= `${what}: invalid JSON`
    return null
  }

  function onChunk(payload: Uint8Array): void {
    const wrapper = parse(payload, 'chunk')
    if (wrapper === null) return
    if (typeof wrapper.bytes !== 'string') return
    const text = Buffer.from(wrapper.bytes, 'base64').toString('utf8')
    output?.add(text.length, () => bedrockChunkText(text))
    if (!text.includes(METRICS) && !text.includes('"metadata"')) {
      // Claude events: the accumulator sniffs the type and parses only usage-bearing ones.
      anthropic.onEvent(undefined, text)
      return
    }
    const event = parse(text, 'chunk event')
    if (event === null) return
    if (typeof event.type === 'string') anthropic.onObject(event)
    if (isRecord(event[METRICS])) {
      bedrockUsage = event[METRICS]
      metricsSeen = true
    } else if (isRecord(event.metadata) && isRecord(event.metadata.usage)) {
      bedrockUsage = event.metadata.usage // Nova's own usage event
    }
  }

  return {
    onMessage(message) {
      if (exception !== null) return
      const type = message.headers[':message-type']
      if (type === 'exception' || type === 'error') {
        const name = message.headers[':exception-type'] ?? message.headers[':error-code']
        exception = typeof name === 'string' ? name : String(type)
        return
      }
      const event = message.headers[':event-type']
      if (!converse && event === 'chunk') onChunk(message.payload)
      if (converse && event === 'contentBlockDelta') {
        output?.add(message.payload.length, () => converseDeltaText(message.payload))
      }
      if (converse && event === 'metadata') {
        const metadata = parse(message.payload, 'metadata')
        if (metadata !== null && isRecord(metadata.usage)) {
          bedrockUsage = metadata.usage
          metricsSeen = true
        }
        if (metadata !== null && isRecord(metadata.serviceTier)) {
          serviceTier = readLabel(metadata.serviceTier.type)
        }
      }
    },
    summary() {
      const s = anthropic.summary()
      return {
        anthropicUsage: s.usage,
        bedrockUsage,
        responseId: s.responseId,
        model: s.model,
        complete: exception === null && (metricsSeen || (s.stopped && !s.usageLost)),
        exception,
        parseError: parseError ?? s.parseError,
        serviceTier,
      }
    },
  }
}
