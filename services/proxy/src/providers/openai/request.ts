// Reads what the usage record needs from an OpenAI-style JSON request body: `model`, `stream` and
// `stream_options.include_usage`. A whole, valid body is parsed; a truncated or oversized one is
// scanned (the first `"model"`, the last `"stream"` / `"include_usage"` flags). Pure.

import type { CapturedBody } from '../common/body-capture.ts'
import { booleanField, firstStringField } from '../common/json-fields.ts'
import { isRecord, readString, tryParseJson } from '../common/json-values.ts'

export interface OpenAIRequestSummary {
  model: string | null
  stream: boolean | null
  includeUsage: boolean | null
}

const bool = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null)

export function readOpenAIRequest(
  captured: CapturedBody,
  truncated: boolean,
): OpenAIRequestSummary {
  if (captured.whole && !truncated) {
    const parsed = tryParseJson(captured.text)
    if (parsed.ok && isRecord(parsed.value)) {
      const body = parsed.value
      const options = isRecord(body.stream_options) ? body.stream_options : null
      return {
        model: readString(body.model),
        stream: bool(body.stream),
        includeUsage: options === null ? null : bool(options.include_usage),
      }
    }
  }
  const head = captured.whole ? captured.text : captured.head
  const tail = captured.whole ? '' : captured.tail
  return {
    model: firstStringField(head, 'model') ?? firstStringField(tail, 'model'),
    stream: booleanField(tail, 'stream', true) ?? booleanField(head, 'stream', true),
    includeUsage:
      booleanField(tail, 'include_usage', true) ?? booleanField(head, 'include_usage', true),
  }
}

/** The request summary of one exchange: empty until the shell hands over the request copy. */
export interface OpenAIRequest {
  readonly summary: OpenAIRequestSummary
  /** The parser shell's `onRequest`. */
  read(captured: CapturedBody, truncated: boolean): void
}

export function openaiRequest(): OpenAIRequest {
  let summary: OpenAIRequestSummary = { model: null, stream: null, includeUsage: null }
  return {
    get summary() {
      return summary
    },
    read(captured, truncated) {
      summary = readOpenAIRequest(captured, truncated)
    },
  }
}
