// The ExchangeParser shell every dialect here shares: bounded request capture, the response body
// read by the reader the dialect picks at the head (response-body.ts), the ordering rules (one
// head, body chunks ignored without one, end() idempotent), and the never-throw guarantee. A
// dialect supplies only what it reads; any exception it raises is recorded as a `parseError` on
// the record instead of escaping into the proxy. An HTTP error answer (4xx/5xx) that reported no
// usage is recorded as not billable, whatever the endpoint (`unbilledError`). factsParser: the
// same for dialects reading a JSON body or an SSE stream, which name a reader per kind and their
// bucket rule, nothing else.

import type { ExchangeParser, HeaderMap, ParsedUsage, SeenText } from '@tokentap/shared'
import { errorText } from '@tokentap/shared'
import type { NormalizedUsage, UsageFacts } from './billing.ts'
import {
  type BodyCapture,
  type BodyLimits,
  type CapturedBody,
  createBodyCapture,
  REQUEST_LIMITS,
} from './body-capture.ts'
import type { JsonObject } from './json-values.ts'
import { type BodyKind, bodyKind, type FullUsage, type ResponseFacts, withFacts } from './record.ts'
import type { BodyReader } from './response-body.ts'
import { type OutputText, requestSample } from './seen-text.ts'

/** `F`: what the dialect's body readers find, handed to `finish`. */
export interface ParserParts<F> {
  /** The record returned when `finish` itself failed: what is known without the body. */
  base(): ParsedUsage
  /** Reads the (bounded) request body once it is complete; omit to not capture it at all. */
  onRequest?: (captured: CapturedBody, truncated: boolean) => void
  /** The response head: the reader for its body (by content type), or null to leave it unread. */
  onResponseHead(status: number, headers: HeaderMap): BodyReader<F> | null
  /** The record, from what the body reader found (null: no body was read). */
  finish(facts: F | null): ParsedUsage
  /** The dialect's output-text capture: when given, the request is kept too and `seenText()`
   *  offers both for an estimate. */
  output?: OutputText
  /** Why usage is missing, when the dialect can tell (read after finish). */
  missingUsageReason?: () => string | undefined
}

/**
 * The usage of an exchange answered with `status`: a 4xx/5xx answer that reported no usage is not
 * billable (providers bill tokens they report; an error body carries none, and the rejected or
 * failed request is not charged). An error answer that does carry usage keeps it, billable: the
 * provider's own count is the bill. No status (broke off before the head): unchanged.
 */
export function unbilledError(usage: ParsedUsage, status: number | null): ParsedUsage {
  if (status === null || status < 400 || !usage.billable || usage.usageSource !== 'none') {
    return usage
  }
  return { ...usage, billable: false }
}

export function guardedParser<F>(
  parts: ParserParts<F>,
  limits: BodyLimits = REQUEST_LIMITS,
): ExchangeParser {
  const wantsText = parts.output !== undefined
  const request: BodyCapture | null =
    parts.onRequest || wantsText ? createBodyCapture(limits) : null
  let captured: CapturedBody | null = null
  let requestRead = false
  let headSeen = false
  let status: number | null = null
  let body: BodyReader<F> | null = null
  let internalError: string | null = null
  let result: ParsedUsage | null = null

  const guard = (step: () => void): void => {
    if (result !== null) return
    try {
      step()
    } catch (error) {
      internalError ??= `parser error: ${errorText(error)}`
    }
  }

  const readRequest = (truncated: boolean): void => {
    requestRead = true
    if (request === null) return
    const copy = request.finish()
    if (wantsText) captured = copy
    parts.onRequest?.(copy, truncated)
  }

  const seenText = (): SeenText | null => {
    const output = parts.output
    if (output === undefined || result === null) return null
    try {
      const reason = parts.missingUsageReason?.()
      return {
        request: requestSample(captured),
        output: output.sample(),
        ...(reason === undefined ? {} : { reason }),
      }
    } catch {
      return null
    }
  }

  return {
    seenText,
    pushRequest(chunk) {
      guard(() => {
        if (!requestRead) request?.push(chunk)
      })
    },
    endRequest(truncated) {
      guard(() => {
        if (!requestRead) readRequest(truncated)
      })
    },
    onResponseHead(code, headers) {
      guard(() => {
        if (headSeen) return
        headSeen = true
        status = code
        body = parts.onResponseHead(code, headers)
      })
    },
    pushResponse(chunk) {
      // A body without a head has no content type: nothing can be read from it.
      guard(() => {
        body?.push(chunk)
      })
    },
    end() {
      if (result !== null) return result
      // endRequest never came (the exchange broke off early): read what was captured.
      guard(() => {
        if (!requestRead) readRequest(true)
      })
      try {
        const finished = parts.finish(body === null ? null : body.finish())
        result = internalError === null ? finished : { ...finished, parseError: internalError }
      } catch (error) {
        result = {
          ...parts.base(),
          parseError: internalError ?? `parser error: ${errorText(error)}`,
        }
      }
      result = unbilledError(result, status)
      return result
    },
  }
}

/** Body readers by kind; the shell picks one by the response's content type. */
export interface FactsReaders {
  json?: (status: number) => BodyReader<ResponseFacts>
  sse?: (status: number) => BodyReader<ResponseFacts>
}

export interface FactsParserParts
  extends Omit<ParserParts<ResponseFacts>, 'base' | 'finish' | 'onResponseHead'> {
  /** The record before its body is read; `kind`: the response body's, null before the head. */
  base(kind: BodyKind | null): FullUsage
  /** False for routes the dialect does not read: no request copy, no body reader. */
  active: boolean
  readers: FactsReaders
  /** The token buckets and billing of a usage object the body reader found (`beside`: the
   *  billing facts the body carried outside it). */
  buckets(usage: JsonObject, beside?: UsageFacts): Partial<NormalizedUsage>
}

/** guardedParser for dialects that read a JSON body or an SSE stream into ResponseFacts: the
 *  reader is picked by content type, and the record is `base()` completed with what it found. */
export function factsParser(parts: FactsParserParts): ExchangeParser {
  const { base, active, onRequest, readers, buckets, ...rest } = parts
  let kind: BodyKind | null = null
  return guardedParser({
    ...rest,
    base: () => base(kind),
    ...(active && onRequest !== undefined ? { onRequest } : {}),
    onResponseHead(status, headers) {
      kind = bodyKind(headers)
      const reader = kind === 'json' || kind === 'sse' ? readers[kind] : undefined
      return active && reader !== undefined ? reader(status) : null
    },
    finish: (facts) => withFacts(base(kind), facts, buckets),
  })
}
