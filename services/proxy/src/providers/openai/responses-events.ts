// The Responses API event vocabulary, shared by the HTTP SSE stream and the WebSocket transport
// (whose server messages are the same JSON objects as the SSE `data:` payloads). Only lifecycle
// events carry what a usage record needs: `response.created` / `.in_progress` / `.queued` give id
// and model, `response.completed` / `.incomplete` / `.failed` give the final `usage`, `error`
// reports a failure. Everything else (output_text deltas above all) is skipped unparsed. Pure.

import type { UsageFacts } from '../common/billing.ts'
import { firstStringField, lastObjectField } from '../common/json-fields.ts'
import { isRecord, type JsonObject, readString, tryParseJson } from '../common/json-values.ts'
import { responseBillingFacts } from './billing-facts.ts'

export const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
  'response.completed',
  'response.incomplete',
  'response.failed',
])

/** Events whose payload is read; every other event is skipped without parsing. */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set([
  'response.created',
  'response.in_progress',
  'response.queued',
  'error',
  ...TERMINAL_EVENTS,
])

/** Events whose `delta` string is output text (answer, reasoning, tool-call arguments). */
export const TEXT_DELTA_EVENTS: ReadonlySet<string> = new Set([
  'response.output_text.delta',
  'response.refusal.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
  'response.custom_tool_call_input.delta',
])

/** The output text of a text delta event's payload, '' when unreadable. */
export function deltaText(data: string): string {
  const parsed = tryParseJson(data)
  if (!parsed.ok || !isRecord(parsed.value)) return ''
  const delta = parsed.value.delta
  return typeof delta === 'string' ? delta : ''
}

/** The event's `type` from a cheap look at the start of its JSON (`type` is serialised first). */
export function sniffEventType(data: string): string | undefined {
  return /^\s*\{\s*"type"\s*:\s*"([\w.]{1,64})"/.exec(data.slice(0, 128))?.[1]
}

/** What one lifecycle event says about its response. */
export interface ResponseEventFacts {
  type: string
  responseId: string | null
  model: string | null
  /** The `usage` object of a terminal event, when it has one. */
  usage: JsonObject | null
  /** A terminal event's billing facts beside its usage (tier, tool-call items). */
  billing: UsageFacts | null
  /** The event could not be read (too large or invalid JSON). */
  unreadable: boolean
}

/**
 * Reads one event payload. `type` comes from the SSE `event:` line or a sniff; when unknown the
 * payload is parsed to find it. `cut`: the payload was truncated at a cap, only scans can help.
 */
export function readResponseEvent(
  type: string | undefined,
  data: string,
  cut = false,
): ResponseEventFacts | null {
  if (type !== undefined && !LIFECYCLE_EVENTS.has(type)) return null
  if (cut) {
    if (type === undefined) return null
    return {
      type,
      responseId: firstStringField(data, 'id'),
      model: firstStringField(data, 'model'),
      usage: TERMINAL_EVENTS.has(type) ? lastObjectField(data, 'usage') : null,
      billing: null,
      unreadable: true,
    }
  }
  const parsed = tryParseJson(data)
  if (!parsed.ok || !isRecord(parsed.value)) {
    return type === undefined
      ? null
      : { type, responseId: null, model: null, usage: null, billing: null, unreadable: true }
  }
  const event = parsed.value
  const actual = type ?? readString(event.type)
  if (actual === null || !LIFECYCLE_EVENTS.has(actual)) return null
  const response = isRecord(event.response) ? event.response : null
  return {
    type: actual,
    responseId: readString(response?.id) ?? readString(event.response_id),
    model: readString(response?.model),
    usage: response !== null && isRecord(response.usage) ? response.usage : null,
    billing:
      response !== null && TERMINAL_EVENTS.has(actual) ? responseBillingFacts(response) : null,
    unreadable: false,
  }
}
