// Reads an upstream response as it arrives and says what to do with each piece: bytes to forward
// (the head rebuilt from its parsed form, then the body bytes exactly as framed), the final
// head, body payload for the parser's copy, an upgrade, the end. A response the proxy cannot
// frame without doubt is an error (502), never passed on. Pure: no sockets, so the exchange
// stays a thin IO shell around it.

import { type BodyFramer, createBodyFramer } from '../http1/body.ts'
import { parseResponseHead, type ResponseHead } from '../http1/head.ts'
import { serializeResponseHead } from '../http1/serialize.ts'
import { interimHead, planResponse, switchingHead } from './forward-head.ts'
import { wantsClose } from './framing.ts'
import { reuseAfter } from './reuse.ts'

export type ResponseEvent =
  /** Bytes for the client; the last `bodyBytes` of them are body (as received), the rest head. */
  | { kind: 'forward'; bytes: Buffer; bodyBytes: number }
  /** The final (non-1xx) head as the upstream sent it; its rebuilt bytes are in the 'forward'
   *  that follows. */
  | { kind: 'head'; head: ResponseHead }
  /** Body payload with the chunked framing removed, for the parser's copy. */
  | { kind: 'payload'; chunks: Uint8Array[] }
  /** 101: the head was forwarded; `rest` is what followed it. */
  | { kind: 'upgrade'; head: ResponseHead; rest: Buffer }
  /** The body is complete; `extraBytes` when the upstream sent more than the message. */
  | { kind: 'done'; extraBytes: boolean }
  | { kind: 'error'; message: string }

export interface ResponseReaderOptions {
  /** The request asked for an upgrade: only then may a 101 come. */
  upgradeRequested: boolean
  /** The client connection closes after this exchange whatever the upstream says. */
  clientClose: boolean
}

export class ResponseReader {
  head: ResponseHead | null = null
  /** The forwarded head told the client the connection closes after this response. */
  announcedClose = false
  private buf: Buffer = Buffer.alloc(0)
  private framer: BodyFramer | null = null
  private closeFramed = false
  private over = false

  constructor(
    private readonly method: string,
    private readonly maxHeaderBytes: number,
    private readonly opts: ResponseReaderOptions = { upgradeRequested: false, clientClose: false },
  ) {}

  /** The body runs until the upstream closes: the connection cannot be reused. */
  get closeDelimited(): boolean {
    return this.closeFramed
  }

  get complete(): boolean {
    return this.over
  }

  push(chunk: Buffer): ResponseEvent[] {
    if (this.over) return []
    if (this.framer) return this.body(chunk, null, [])
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    const out: ResponseEvent[] = []
    for (;;) {
      const r = parseResponseHead(this.buf, this.maxHeaderBytes)
      if (r.kind === 'incomplete') return out
      if (r.kind === 'error')
        return this.fail(out, `upstream sent a malformed response: ${r.message}`)
      const all = this.buf
      this.buf = Buffer.alloc(0)
      const rest = all.subarray(r.headBytes)
      const status = r.head.status
      if (status === 101) {
        const head = switchingHead(r.head, this.opts.upgradeRequested)
        if (!head) return this.fail(out, 'upstream sent a 101 the request did not ask for')
        this.head = r.head
        this.over = true
        out.push({ kind: 'forward', bytes: serializeResponseHead(head), bodyBytes: 0 })
        out.push({ kind: 'upgrade', head: r.head, rest })
        return out
      }
      if (status < 200) {
        out.push({
          kind: 'forward',
          bytes: serializeResponseHead(interimHead(r.head)),
          bodyBytes: 0,
        })
        this.buf = rest
        if (this.buf.length === 0) return out
        continue
      }
      const plan = planResponse(this.method, r.head, this.opts.clientClose)
      if ('message' in plan) return this.fail(out, `upstream response framing: ${plan.message}`)
      this.head = r.head
      this.announcedClose = plan.close
      this.closeFramed = plan.framing.kind === 'close'
      this.framer = createBodyFramer(plan.framing)
      out.push({ kind: 'head', head: r.head })
      return this.body(rest, serializeResponseHead(plan.head), out)
    }
  }

  /** After the response: may its upstream connection go back to the pool, and the client's
   *  carry another request? (reuse.ts) */
  reuse(
    extraBytes: boolean,
    requestDone: boolean,
    requestVersion: string,
  ): { upstream: boolean; client: boolean } {
    const head = this.head
    return reuseAfter({
      requestDone,
      extraBytes,
      closeDelimited: this.closeFramed,
      responseClose: head === null || wantsClose(head.version, head.headers),
      requestVersion,
      upgradeRequested: this.opts.upgradeRequested,
      clientClose: this.opts.clientClose,
      announcedClose: this.announcedClose,
    })
  }

  /** The upstream closed: true when that completes the response (close-delimited body). */
  endOfStream(): boolean {
    return this.framer?.endOfStream() ?? false
  }

  private fail(out: ResponseEvent[], message: string): ResponseEvent[] {
    this.over = true
    out.push({ kind: 'error', message })
    return out
  }

  /** Frames body bytes; a rebuilt head (if any) leaves in the same write, before them. */
  private body(rest: Buffer, head: Buffer | null, out: ResponseEvent[]): ResponseEvent[] {
    const framer = this.framer!
    const step = framer.done ? null : framer.push(rest)
    // Nothing of a body the framer refused is forwarded (nor its head, when still unsent).
    if (step?.error) return this.fail(out, `upstream response body: ${step.error}`)
    const consumed = step?.consumed ?? 0
    const body = consumed === rest.length ? rest : rest.subarray(0, consumed)
    if (head) {
      const bytes = consumed === 0 ? head : Buffer.concat([head, body], head.length + consumed)
      out.push({ kind: 'forward', bytes, bodyBytes: consumed })
    } else if (consumed > 0) out.push({ kind: 'forward', bytes: body, bodyBytes: consumed })
    if (step && step.payload.length > 0) out.push({ kind: 'payload', chunks: step.payload })
    if (framer.done) {
      this.over = true
      out.push({ kind: 'done', extraBytes: consumed < rest.length })
    }
    return out
  }
}
