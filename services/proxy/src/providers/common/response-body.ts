// How a dialect reads a response body. At the response head it picks a reader by content type;
// the parser shell (shell.ts) feeds that reader the body and hands what it found to the dialect's
// finish, so a dialect states only what it reads from a body, an event or a tail:
// - jsonResponse: the body captured bounded (RESPONSE_LIMITS) and parsed once; when it is too
//   large (or not valid JSON) to parse, the kept head and tail are scanned instead. The parse
//   errors (not JSON, not an object, too large without usage) are stated here, once;
// - capturedJson: the same capture, for dialects that read the JsonBody their own way;
// - streamResponse: an incremental reader (SSE, streamed JSON array) whose events the dialect
//   accumulates, summarised once the reader has flushed its last event.
// Pure.

import { type BodyLimits, createBodyCapture, RESPONSE_LIMITS } from './body-capture.ts'
import { firstStringField, lastObjectField } from './json-fields.ts'
import { isRecord, type JsonObject, readCount, readString, tryParseJson } from './json-values.ts'
import type { ResponseFacts } from './record.ts'

/** Bytes in, the dialect's facts out once the body ended (or the exchange broke off). */
export interface BodyReader<F> {
  push(chunk: Uint8Array): void
  finish(): F
}

/** A captured JSON body: parsed when it was kept whole, otherwise the text left for scans. */
export interface JsonBody {
  /** The parsed body; undefined when it was too large or not valid JSON. */
  value: unknown
  /** Text scans fall back to these when `value` is undefined (whole text when small but invalid). */
  head: string
  tail: string
  /** The body's full size in bytes. */
  bytes: number
  /** Set when the body was kept whole but is not valid JSON. */
  parseError: string | null
}

/** The parse error to record when an oversized body's text scans found no usage. */
export const tooLargeError = (body: { bytes: number }): string =>
  `response too large (${body.bytes} bytes), no usage`

/** The parse error of a successful response whose body carries no usage. */
export const NO_USAGE = 'response has no usage'

/** A JSON body captured within `limits` and read by `read` at the end. */
export function capturedJson<F>(
  read: (body: JsonBody) => F,
  limits: BodyLimits = RESPONSE_LIMITS,
): BodyReader<F> {
  const capture = createBodyCapture(limits)
  return {
    push: (chunk) => capture.push(chunk),
    finish() {
      const captured = capture.finish()
      const { bytes } = captured
      if (!captured.whole) {
        return read({
          value: undefined,
          head: captured.head,
          tail: captured.tail,
          bytes,
          parseError: null,
        })
      }
      const parsed = tryParseJson(captured.text)
      if (parsed.ok)
        return read({ value: parsed.value, head: '', tail: '', bytes, parseError: null })
      const empty = captured.text.trim() === ''
      return read({
        value: undefined,
        head: captured.text,
        tail: captured.text,
        bytes,
        parseError: empty ? 'empty JSON response' : 'response is not valid JSON',
      })
    },
  }
}

/** What scans of an unparsed body's head and tail found. */
export type ScannedFacts = Pick<ResponseFacts, 'usage' | 'model' | 'responseId'>

export interface JsonReading {
  /** The facts of a parsed body that is a JSON object. */
  parsed(body: JsonObject): ResponseFacts
  /** A body too large (or not valid JSON) to parse: what scans of its kept head and tail find. */
  scanned(head: string, tail: string): ScannedFacts
}

/** A JSON response read as ResponseFacts: parsed, or scanned when it cannot be parsed. */
export function jsonResponse(reading: JsonReading): BodyReader<ResponseFacts> {
  return capturedJson((body) => {
    if (body.value === undefined) {
      const found = reading.scanned(body.head, body.tail)
      const noUsage = found.usage === null ? tooLargeError(body) : null
      return { ...found, complete: true, parseError: body.parseError ?? noUsage }
    }
    if (isRecord(body.value)) return reading.parsed(body.value)
    return {
      usage: null,
      model: null,
      responseId: null,
      complete: true,
      parseError: 'response JSON is not an object',
    }
  })
}

/** Facts of a parsed response object naming itself at its top level (`id`, `model`, `usage`:
 *  Messages, Chat Completions, Responses). `expectUsage`: a missing usage is a parse error. */
export function topLevelFacts(body: JsonObject, expectUsage: boolean): ResponseFacts {
  const usage = isRecord(body.usage) ? body.usage : null
  return {
    responseId: readString(body.id),
    model: readString(body.model),
    usage,
    complete: true,
    parseError: expectUsage && usage === null ? NO_USAGE : null,
  }
}

/** The same from an unparsed body: `id` and `model` are serialised first, `usage` last. */
export function topLevelScan(head: string, tail: string): ScannedFacts {
  return {
    responseId: firstStringField(head, 'id'),
    model: firstStringField(head, 'model'),
    usage: lastObjectField(tail, 'usage'),
  }
}

/** Facts of a token-count response (`{"input_tokens": N}`): the body itself is the usage. */
export function countFacts(
  body: JsonObject,
  key: string,
  model: string | null = null,
): ResponseFacts {
  const counted = readCount(body[key]) !== null
  return { responseId: null, model, usage: counted ? body : null, complete: true, parseError: null }
}

/** An incremental reader of the body's events; `summary` runs after its `end()`. */
export function streamResponse<F>(
  reader: { push(bytes: Uint8Array): void; end(): void },
  summary: () => F,
): BodyReader<F> {
  return {
    push: (chunk) => reader.push(chunk),
    finish() {
      reader.end()
      return summary()
    },
  }
}
