// Reads an upstream response as it arrives and says what to do with each piece: bytes to forward
// (head and body exactly as received), the final head, body payload for the parser's copy, an
// upgrade, the end. Pure: no sockets, so the exchange stays a thin IO shell around it.

import { type BodyFramer, createBodyFramer } from '../http1/body.ts'
import { parseResponseHead, type ResponseHead } from '../http1/head.ts'
import { responseFraming } from './framing.ts'

export type ResponseEvent =
  /** Bytes for the client, as received; the last `bodyBytes` of them are body, the rest head. */
  | { kind: 'forward'; bytes: Buffer; bodyBytes: number }
  /** The final (non-1xx) head; its bytes are in the 'forward' that follows. */
  | { kind: 'head'; head: ResponseHead }
  /** Body payload with the chunked framing removed, for the parser's copy. */
  | { kind: 'payload'; chunks: Uint8Array[] }
  /** 101: the head was forwarded; `rest` is what followed it. */
  | { kind: 'upgrade'; head: ResponseHead; rest: Buffer }
  /** The body is complete; `extraBytes` when the upstream sent more than the message. */
  | { kind: 'done'; extraBytes: boolean }
  | { kind: 'error'; message: string }

export class ResponseReader {
  head: ResponseHead | null = null
  private buf: Buffer = Buffer.alloc(0)
  private framer: BodyFramer | null = null
  private over = false

  constructor(
    private readonly method: string,
    private readonly maxHeaderBytes: number,
  ) {}

  /** The body runs until the upstream closes: the connection cannot be reused. */
  get closeDelimited(): boolean {
    return this.framer !== null && !this.framer.done && this.framer.endOfStream()
  }

  get complete(): boolean {
    return this.over
  }

  push(chunk: Buffer): ResponseEvent[] {
    if (this.over) return []
    if (this.framer) return this.body(chunk, 0, [])
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    const out: ResponseEvent[] = []
    for (;;) {
      const r = parseResponseHead(this.buf, this.maxHeaderBytes)
      if (r.kind === 'incomplete') return out
      if (r.kind === 'error') {
        this.over = true
        out.push({ kind: 'error', message: `upstream sent a malformed response: ${r.message}` })
        return out
      }
      const all = this.buf
      this.buf = Buffer.alloc(0)
      const status = r.head.status
      if (status === 101) {
        this.head = r.head
        this.over = true
        out.push({ kind: 'forward', bytes: all.subarray(0, r.headBytes), bodyBytes: 0 })
        out.push({ kind: 'upgrade', head: r.head, rest: all.subarray(r.headBytes) })
        return out
      }
      if (status < 200) {
        out.push({ kind: 'forward', bytes: all.subarray(0, r.headBytes), bodyBytes: 0 })
        this.buf = all.subarray(r.headBytes)
        if (this.buf.length === 0) return out
        continue
      }
      this.head = r.head
      this.framer = createBodyFramer(responseFraming(this.method, r.head))
      return this.body(all, r.headBytes, out, true)
    }
  }

  /** The upstream closed: true when that completes the response (close-delimited body). */
  endOfStream(): boolean {
    return this.framer?.endOfStream() ?? false
  }

  /** Feeds body bytes starting at `offset`; the head before it (if any) leaves in the same write. */
  private body(
    all: Buffer,
    offset: number,
    out: ResponseEvent[],
    withHead = false,
  ): ResponseEvent[] {
    const framer = this.framer!
    const rest = offset === 0 ? all : all.subarray(offset)
    const step = framer.done ? null : framer.push(rest)
    const consumed = step?.consumed ?? 0
    if (withHead) out.push({ kind: 'head', head: this.head! })
    if (offset + consumed > 0) {
      const bytes = consumed === rest.length ? all : all.subarray(0, offset + consumed)
      out.push({ kind: 'forward', bytes, bodyBytes: consumed })
    }
    if (step && step.payload.length > 0) out.push({ kind: 'payload', chunks: step.payload })
    if (step?.error) {
      this.over = true
      out.push({ kind: 'error', message: `upstream response body: ${step.error}` })
    } else if (framer.done) {
      this.over = true
      out.push({ kind: 'done', extraBytes: consumed < rest.length })
    }
    return out
  }
}
