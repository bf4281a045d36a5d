// Body capture as a dialect wrapper: the parser it creates forwards every call and tees the
// request and (decoded) response copies into bounded buffers. `capturedOf(parser)` gives their
// redacted text once the exchange is over — off the data path, when its record is built.
// Dialects that are not wrapped cost nothing.

import type { ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { redact } from '@tokentap/shared'
import type { CapturedBodies } from './bodies.ts'
import { type BodyTee, createBodyTee } from './tee.ts'

const tees = new WeakMap<ExchangeParser, { request: BodyTee; response: BodyTee }>()

function capturing(parser: ExchangeParser, maxBytes: number): ExchangeParser {
  const request = createBodyTee(maxBytes)
  const response = createBodyTee(maxBytes)
  const wrapped: ExchangeParser = {
    pushRequest(chunk) {
      request.push(chunk)
      parser.pushRequest(chunk)
    },
    endRequest: (truncated) => parser.endRequest(truncated),
    onResponseHead: (status, headers) => parser.onResponseHead(status, headers),
    pushResponse(chunk) {
      response.push(chunk)
      parser.pushResponse(chunk)
    },
    end: () => parser.end(),
    ...(parser.seenText ? { seenText: () => parser.seenText?.() ?? null } : {}),
  }
  tees.set(wrapped, { request, response })
  return wrapped
}

/** The dialect, its parsers capturing bodies up to `maxBytes` each. */
export function withBodyCapture(dialect: ProviderDialect, maxBytes: number): ProviderDialect {
  return { ...dialect, createParser: (meta) => capturing(dialect.createParser(meta), maxBytes) }
}

const text = (tee: BodyTee): string | null => {
  const t = tee.text()
  return t === null ? null : redact(t)
}

/** The redacted bodies a capturing parser saw; null for parsers that do not capture. */
export function capturedOf(parser: ExchangeParser): CapturedBodies | null {
  const t = tees.get(parser)
  if (t === undefined) return null
  try {
    return { request: text(t.request), response: text(t.response) }
  } catch {
    return null
  }
}
