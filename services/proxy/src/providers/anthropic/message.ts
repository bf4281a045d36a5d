// Reads a captured (bounded) JSON body: a Messages response (`id`, `model`, `usage`, or an error
// body) and a Messages request (`model`, `stream`). Oversized or truncated bodies fall back to
// text scans of the kept head and tail, so a record is never lost to a parse failure. Pure.

import { booleanField, type CapturedBody, firstStringField, lastObjectField } from './body.ts'
import { isRecord, type JsonObject, readErrorType, readString, tryParseJson } from './usage.ts'

export interface MessageBodySummary {
  responseId: string | null
  model: string | null
  usage: JsonObject | null
  /** The whole parsed body (null when it could not be parsed). */
  body: unknown
  /** Set for an Anthropic error body (`{"type":"error",…}`). */
  errorType: string | null
  parseError: string | null
}

export function readMessageBody(captured: CapturedBody): MessageBodySummary {
  if (!captured.whole) {
    // Too large to parse: `id` and `model` come first in a message, `usage` last.
    const usage = lastObjectField(captured.tail, 'usage')
    return {
      responseId: firstStringField(captured.head, 'id'),
      model: firstStringField(captured.head, 'model'),
      usage,
      body: null,
      errorType: null,
      parseError: usage === null ? `response too large (${captured.bytes} bytes), no usage` : null,
    }
  }
  const parsed = tryParseJson(captured.text)
  if (!parsed.ok) {
    return {
      responseId: null,
      model: null,
      usage: null,
      body: null,
      errorType: null,
      parseError:
        captured.text.trim() === '' ? 'empty JSON response' : 'response is not valid JSON',
    }
  }
  const body = parsed.value
  const record = isRecord(body) ? body : null
  return {
    responseId: readString(record?.id),
    model: readString(record?.model),
    usage: isRecord(record?.usage) ? record.usage : null,
    body,
    errorType: readErrorType(body),
    parseError: record === null ? 'response JSON is not an object' : null,
  }
}

export interface RequestSummary {
  model: string | null
  stream: boolean | null
}

/**
 * `model` and `stream` of a JSON request body. A whole, valid body is parsed; a truncated,
 * oversized or invalid one is scanned for the first `"model":"…"` and a `"stream":bool`.
 */
export function readRequestBody(captured: CapturedBody, truncated: boolean): RequestSummary {
  if (captured.whole && !truncated) {
    const parsed = tryParseJson(captured.text)
    if (parsed.ok && isRecord(parsed.value)) {
      const stream = parsed.value.stream
      return {
        model: readString(parsed.value.model),
        stream: typeof stream === 'boolean' ? stream : null,
      }
    }
  }
  const head = captured.whole ? captured.text : captured.head
  const tail = captured.whole ? '' : captured.tail
  return {
    model: firstStringField(head, 'model') ?? firstStringField(tail, 'model'),
    stream: booleanField(head, 'stream') ?? booleanField(tail, 'stream', true),
  }
}
