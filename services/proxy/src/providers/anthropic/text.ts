// The output text of Anthropic stream events, for estimates (SeenText): `content_block_delta`
// (text, thinking and tool-input JSON deltas; signatures are not text) and the legacy
// `completion` event. Shared with Bedrock and Vertex, whose Claude streams carry the same events.

import { isRecord, tryParseJson } from '../common/json-values.ts'
import { outputTextOf } from '../common/seen-text.ts'

/** Events whose payload holds output text. */
export const TEXT_EVENTS: ReadonlySet<string> = new Set(['content_block_delta', 'completion'])

/** Output text of one parsed event object, '' when it carries none. */
export function anthropicObjectText(event: unknown): string {
  if (!isRecord(event)) return ''
  if (event.type === 'content_block_delta') return outputTextOf(event.delta)
  if (event.type === 'completion' && typeof event.completion === 'string') return event.completion
  return ''
}

/** Output text of one event payload (`type` known or sniffed), '' when it carries none. */
export function anthropicEventText(type: string | undefined, data: string): string {
  if (type !== undefined && !TEXT_EVENTS.has(type)) return ''
  const parsed = tryParseJson(data)
  return parsed.ok ? anthropicObjectText(parsed.value) : ''
}

/** Output text of a whole Messages (or legacy Complete) response body. */
export function anthropicBodyText(body: unknown): string {
  if (!isRecord(body)) return ''
  const completion = typeof body.completion === 'string' ? body.completion : ''
  return outputTextOf(body.content) + completion
}
