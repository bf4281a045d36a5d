// Body capture as a dialect wrapper: its parsers forward every call and tee the request and
// (decoded) response copies into bounded buffers. `capturedOf(parser)` gives their redacted
// text once the exchange is over — off the data path — and the exchange hands it on in its
// result, beside (never inside) the record. Dialects that are not wrapped cost nothing.

import type {
  ExchangeMeta,
  ExchangeParser,
  HeaderMap,
  ParsedUsage,
  ProviderDialect,
  SeenText,
} from '@tokentap/shared'
import { redact } from '@tokentap/shared'
import { type BodyTee, createBodyTee } from './tee.ts'

/** An exchange's captured bodies: redacted, bounded text (null: no body that way). */
export interface CapturedBodies {
  request: string | null
  response: string | null
}

class CapturingParser implements ExchangeParser {
  private readonly request: BodyTee
  private readonly response: BodyTee

  constructor(
    private readonly inner: ExchangeParser,
    maxBytes: number,
  ) {
    this.request = createBodyTee(maxBytes)
    this.response = createBodyTee(maxBytes)
  }

  pushRequest(chunk: Uint8Array): void {
    this.request.push(chunk)
    this.inner.pushRequest(chunk)
  }
  endRequest(truncated: boolean): void {
    this.inner.endRequest(truncated)
  }
  onResponseHead(status: number, headers: HeaderMap): void {
    this.inner.onResponseHead(status, headers)
  }
  pushResponse(chunk: Uint8Array): void {
    this.response.push(chunk)
    this.inner.pushResponse(chunk)
  }
  end(): ParsedUsage {
    return this.inner.end()
  }
  seenText(): SeenText | null {
    return this.inner.seenText?.() ?? null
  }

  bodies(): CapturedBodies | null {
    const request = text(this.request)
    const response = text(this.response)
    return request === null && response === null ? null : { request, response }
  }
}

const text = (tee: BodyTee): string | null => {
  const t = tee.text()
  return t === null ? null : redact(t)
}

/** The dialect, its parsers capturing bodies up to `maxBytes` each. */
export function withBodyCapture(dialect: ProviderDialect, maxBytes: number): ProviderDialect {
  return {
    ...dialect,
    createParser: (meta: ExchangeMeta) => new CapturingParser(dialect.createParser(meta), maxBytes),
  }
}

/** The redacted bodies a capturing parser saw; null for parsers that do not capture, or when
 *  neither direction carried a body. */
export function capturedOf(parser: ExchangeParser): CapturedBodies | null {
  if (!(parser instanceof CapturingParser)) return null
  try {
    return parser.bodies()
  } catch {
    return null
  }
}
