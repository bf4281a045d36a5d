// Request rewriting for dialects that ask for it (OpenAI chat streams get
// stream_options.include_usage): the small request body is held until complete, rewritten, and
// sent with a corrected content-length; the streamed response then passes through the dialect's
// filter (which removes what the rewrite caused) and is re-framed for the client.

import type { BodyFilter, ExchangeMeta, ProviderDialect } from '@tokentap/shared'
import type { Framing } from '../http1/body.ts'
import { listElements } from '../http1/grammar.ts'
import { getHeader, type RequestHead, type ResponseHead } from '../http1/head.ts'
import { serializeRequestHead } from '../http1/serialize.ts'

/** Bodies larger than this are forwarded as they stream, never rewritten. */
export const MAX_HELD_BODY_BYTES = 1024 * 1024

const CRLF = Buffer.from('\r\n')

/** Should this request's body be held for a possible rewrite? */
export function shouldHold(
  dialect: ProviderDialect | null,
  meta: ExchangeMeta,
  head: RequestHead,
  framing: Framing,
): boolean {
  if (!dialect?.wantsRequestBody?.(meta) || !dialect.rewriteRequest) return false
  if (framing.kind === 'none' || framing.kind === 'close') return false
  if (framing.kind === 'length' && framing.length > MAX_HELD_BODY_BYTES) return false
  const encoding = getHeader(head.headers, 'content-encoding')
  return encoding === undefined || encoding.toLowerCase() === 'identity'
}

export interface Rewritten {
  /** Head and body, ready to send upstream in one write. */
  bytes: Buffer
  filter: BodyFilter | null
}

/** The request to send for a complete held `body` (rewritten when the dialect wants to). */
export function rewriteHeld(
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  head: RequestHead,
  body: Buffer,
): Rewritten {
  let rewrite: ReturnType<NonNullable<ProviderDialect['rewriteRequest']>> = null
  try {
    rewrite = dialect.rewriteRequest?.(meta, body) ?? null
  } catch {
    rewrite = null
  }
  const out = rewrite ? Buffer.from(rewrite.body) : body
  const headers = head.headers.filter(([n]) => {
    const l = n.toLowerCase()
    return (
      l !== 'content-length' && l !== 'transfer-encoding' && !(rewrite && l === 'accept-encoding')
    )
  })
  headers.push(['content-length', String(out.length)])
  // The response is filtered as it streams: ask for it uncompressed.
  if (rewrite) headers.push(['accept-encoding', 'identity'])
  return {
    bytes: Buffer.concat([serializeRequestHead({ ...head, headers }), out]),
    filter: rewrite ? rewrite.createResponseFilter() : null,
  }
}

/** A request body held for a rewrite until it is complete (or too large to hold). */
export class HeldRequest {
  private raw: Buffer[] = []
  private payload: Buffer[] = []
  private bytes = 0

  constructor(
    private readonly dialect: ProviderDialect,
    private readonly meta: ExchangeMeta,
    private readonly head: RequestHead,
  ) {}

  /** Adds body bytes. Past the bound, returns the request so far to send as it is (the caller
   *  stops holding and streams the rest). */
  add(raw: Buffer, payload: Uint8Array[]): Buffer | null {
    this.raw.push(raw)
    for (const p of payload) this.payload.push(Buffer.from(p))
    this.bytes += raw.length
    if (this.bytes <= MAX_HELD_BODY_BYTES) return null
    return Buffer.concat([serializeRequestHead(this.head), ...this.raw])
  }

  /** The body is complete: the request to send, rewritten when the dialect wants to. */
  release(): Rewritten {
    return rewriteHeld(this.dialect, this.meta, this.head, Buffer.concat(this.payload))
  }
}

/** Writes a filtered response body to the client with framing it can read. */
export class FilteredBody {
  private constructor(
    private readonly filter: BodyFilter,
    private readonly chunked: boolean,
    private readonly write: (b: Buffer) => void,
  ) {}

  /** A writer when `response` can be filtered (2xx SSE, not compressed, not length-framed). */
  static for(
    filter: BodyFilter | null,
    response: ResponseHead,
    write: (b: Buffer) => void,
  ): FilteredBody | null {
    if (!filter || response.status < 200 || response.status >= 300) return null
    const type = getHeader(response.headers, 'content-type') ?? ''
    const encoding = getHeader(response.headers, 'content-encoding')
    if (!type.includes('text/event-stream')) return null
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return null
    // Re-framed only from a plain chunked or close-delimited body: other transfer codings and
    // length-framed bodies pass through as they are.
    const te = getHeader(response.headers, 'transfer-encoding')
    const codings = te === undefined ? [] : listElements(te).map((c) => c.toLowerCase())
    const chunked = codings.length === 1 && codings[0] === 'chunked'
    if (te !== undefined && !chunked) return null
    if (!chunked && getHeader(response.headers, 'content-length') !== undefined) return null
    return new FilteredBody(filter, chunked, write)
  }

  push(payload: Uint8Array): void {
    this.emit(this.filter.push(payload))
  }

  /** The body ended: what the filter still held, then the last chunk. */
  end(): void {
    this.emit(this.filter.end())
    if (this.chunked) this.write(Buffer.from('0\r\n\r\n'))
  }

  private emit(out: Uint8Array): void {
    if (out.length === 0) return
    const data = Buffer.from(out.buffer, out.byteOffset, out.length)
    if (!this.chunked) {
      this.write(data)
      return
    }
    this.write(Buffer.concat([Buffer.from(`${out.length.toString(16)}\r\n`), data, CRLF]))
  }
}
