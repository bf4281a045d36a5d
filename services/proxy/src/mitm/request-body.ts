// The request body on its way through: which client bytes belong to it (forwarded raw, as the
// proxy's own framer delimited them), and a bounded, decoded copy for the parser.

import type { ExchangeParser } from '@tokentap/shared'
import { type BodyDecoder, createBodyDecoder } from '../decode/body-decoder.ts'
import { type BodyFramer, createBodyFramer, type Framing } from '../http1/body.ts'
import { getHeader, type RequestHead } from '../http1/head.ts'

export interface BodyStep {
  /** Bytes of this body, to forward as they are. */
  raw: Buffer | null
  /** Bytes past the end of this body (the next request), once it is complete. */
  rest: Buffer | null
  /** The body's payload in `raw` (chunked framing removed). */
  payload: Uint8Array[]
  error: string | null
}

export class RequestBody {
  private readonly framer: BodyFramer
  private readonly decoder: BodyDecoder | null
  private ended = false

  constructor(
    head: RequestHead,
    framing: Framing,
    private readonly parser: ExchangeParser | null,
    maxCopyBytes: number,
  ) {
    this.framer = createBodyFramer(framing)
    this.decoder = parser
      ? createBodyDecoder({
          contentEncoding: getHeader(head.headers, 'content-encoding'),
          maxOutputBytes: maxCopyBytes,
          onData: (c) => parser.pushRequest(c),
        })
      : null
    if (this.framer.done) this.end()
  }

  get done(): boolean {
    return this.ended
  }

  push(chunk: Buffer): BodyStep {
    if (this.ended) return { raw: null, rest: chunk, payload: [], error: null }
    const step = this.framer.push(chunk)
    const raw =
      step.consumed === 0
        ? null
        : step.consumed === chunk.length
          ? chunk
          : chunk.subarray(0, step.consumed)
    for (const p of step.payload) this.decoder?.write(p)
    const payload = step.payload
    if (step.error) return { raw: null, rest: null, payload: [], error: step.error }
    if (!step.done) return { raw, rest: null, payload, error: null }
    this.end()
    return { raw, rest: chunk.subarray(step.consumed), payload, error: null }
  }

  /** Resolves when the parser's copy is fully decoded. */
  finished(): Promise<unknown> {
    return this.decoder?.end() ?? Promise.resolve()
  }

  private end(): void {
    this.ended = true
    const parser = this.parser
    if (parser && this.decoder) void this.decoder.end().then((r) => parser.endRequest(r.truncated))
  }
}
