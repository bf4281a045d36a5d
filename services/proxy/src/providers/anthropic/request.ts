// Reads `model` and `stream` from a captured (bounded) Messages request body. Oversized or
// truncated bodies fall back to text scans of the kept head and tail. Pure.

import type { CapturedBody } from '../common/body-capture.ts'
import { booleanField, firstStringField } from '../common/json-fields.ts'
import { isRecord, readString, tryParseJson } from '../common/json-values.ts'

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
