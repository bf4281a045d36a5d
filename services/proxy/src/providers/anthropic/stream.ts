// Accumulates the usage of one Anthropic Messages stream from its events: `message_start` gives
// id, model and the first usage; every `message_delta` usage is OVERLAID (cumulative counts,
// never added); `message_stop` marks completion; an `error` event keeps what was seen. O(1) memory:
// only the ids and the merged usage object are kept. Pure and reusable: Bedrock and Vertex Claude
// streams carry the same events (feed them already-parsed through `onObject`).

import { isRecord, type JsonObject, readString, tryParseJson } from '../common/json-values.ts'
import { overlayUsage } from './usage.ts'

export interface MessageStreamSummary {
  responseId: string | null
  model: string | null
  /** The merged usage object, null when no usage was seen. */
  usage: JsonObject | null
  /** `message_stop` was seen. */
  stopped: boolean
  /** The type of an `error` event, when one arrived. */
  errorType: string | null
  /** A usage-bearing event could not be read: the counts may be incomplete. */
  usageLost: boolean
  parseError: string | null
}

export interface MessageStreamAccumulator {
  /** One SSE event: `name` from the `event:` line (the data's `type` is used when absent). */
  onEvent(name: string | undefined, data: string, truncated?: boolean): void
  /** One event already parsed (e.g. from Bedrock's event-stream framing). */
  onObject(event: unknown): void
  summary(): MessageStreamSummary
}

/** Events whose payload matters for usage; any other event's data is never parsed. */
export const USAGE_EVENTS: ReadonlySet<string> = new Set([
  'message_start',
  'message_delta',
  'message_stop',
  'error',
  'completion',
])

/** The data's `type` when an event came without an `event:` line (a cheap prefix look). */
export function sniffAnthropicType(data: string): string | undefined {
  return /^\s*\{\s*"type"\s*:\s*"([a-z_]{1,40})"/.exec(data.slice(0, 96))?.[1]
}

export function createMessageStreamAccumulator(): MessageStreamAccumulator {
  const s: MessageStreamSummary = {
    responseId: null,
    model: null,
    usage: null,
    stopped: false,
    errorType: null,
    usageLost: false,
    parseError: null,
  }

  const fail = (message: string, usageEvent: boolean): void => {
    if (usageEvent) s.usageLost = true
    s.parseError ??= message
  }

  function apply(type: string, event: JsonObject): void {
    switch (type) {
      case 'message_start': {
        const message = isRecord(event.message) ? event.message : null
        if (message === null) {
          fail('message_start: no message object', true)
          return
        }
        s.responseId ??= readString(message.id)
        s.model ??= readString(message.model)
        s.usage = overlayUsage(s.usage, message.usage)
        return
      }
      case 'message_delta':
        s.usage = overlayUsage(s.usage, event.usage)
        return
      case 'message_stop':
        s.stopped = true
        return
      case 'error':
        s.errorType = (isRecord(event.error) ? readString(event.error.type) : null) ?? 'error'
        return
      case 'completion': // legacy Text Completions stream: no usage, only model and id
        s.responseId ??= readString(event.id)
        s.model ??= readString(event.model)
        return
    }
  }

  const usageBearing = (type: string): boolean =>
    type === 'message_start' || type === 'message_delta'

  return {
    onEvent(name, data, truncated = false) {
      const type = name ?? sniffAnthropicType(data)
      if (type === undefined || !USAGE_EVENTS.has(type)) return
      if (type === 'message_stop') {
        s.stopped = true
        return
      }
      if (type === 'completion' && s.model !== null) return
      if (truncated) {
        fail(`${type}: event too large`, usageBearing(type))
        return
      }
      const parsed = tryParseJson(data)
      if (parsed.ok && isRecord(parsed.value)) {
        apply(type, parsed.value)
        return
      }
      // An error event that is not JSON is still an error.
      if (type === 'error') s.errorType ??= 'error'
      fail(`${type}: invalid JSON`, usageBearing(type))
    },
    onObject(event) {
      if (!isRecord(event) || typeof event.type !== 'string') return
      apply(event.type, event)
    },
    summary: () => ({ ...s }),
  }
}
