// The ExchangeParser shell every dialect here shares: bounded request capture, the ordering rules
// (one head, body chunks ignored without one, end() idempotent), and the never-throw guarantee.
// A dialect supplies only what it does with the bytes; any exception it raises is recorded as a
// `parseError` on the record instead of escaping into the proxy.

import type { ExchangeParser, HeaderMap, ParsedUsage, SeenText } from '@tokentap/shared'
import {
  type BodyCapture,
  type BodyLimits,
  type CapturedBody,
  createBodyCapture,
  REQUEST_LIMITS,
} from '../anthropic/body.ts'
import { errorText } from './record.ts'
import { type OutputText, requestSample } from './seen-text.ts'

export interface ParserParts {
  /** The record returned when `finish` itself failed: what is known without the body. */
  base(): ParsedUsage
  /** Reads the (bounded) request body once it is complete; omit to not capture it at all. */
  onRequest?: (captured: CapturedBody, truncated: boolean) => void
  onResponseHead(status: number, headers: HeaderMap): void
  onResponseChunk(chunk: Uint8Array): void
  finish(): ParsedUsage
  /** The dialect's output-text capture: when given, the request is kept too and `seenText()`
   *  offers both for an estimate. */
  output?: OutputText
  /** Why usage is missing, when the dialect can tell (read after finish). */
  missingUsageReason?: () => string | undefined
}

export function guardedParser(
  parts: ParserParts,
  limits: BodyLimits = REQUEST_LIMITS,
): ExchangeParser {
  const wantsText = parts.output !== undefined
  const request: BodyCapture | null =
    parts.onRequest || wantsText ? createBodyCapture(limits) : null
  let captured: CapturedBody | null = null
  let requestRead = false
  let headSeen = false
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
    const body = request.finish()
    if (wantsText) captured = body
    parts.onRequest?.(body, truncated)
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
    onResponseHead(status, headers) {
      guard(() => {
        if (headSeen) return
        headSeen = true
        parts.onResponseHead(status, headers)
      })
    },
    pushResponse(chunk) {
      // A body without a head has no content type: nothing can be read from it.
      guard(() => {
        if (headSeen) parts.onResponseChunk(chunk)
      })
    },
    end() {
      if (result !== null) return result
      // endRequest never came (the exchange broke off early): read what was captured.
      guard(() => {
        if (!requestRead) readRequest(true)
      })
      try {
        const finished = parts.finish()
        result = internalError === null ? finished : { ...finished, parseError: internalError }
      } catch (error) {
        result = {
          ...parts.base(),
          parseError: internalError ?? `parser error: ${errorText(error)}`,
        }
      }
      return result
    },
  }
}
