// The request side of an exchange: the client's body bytes as the proxy's framer delimits them
// (request-body.ts, which also feeds the parser its decoded copy), held whole for a rewrite when
// the dialect asks (rewrite.ts), and sent upstream: queued while connecting, then written with
// backpressure on the client; outbound.ts keeps a bounded copy for one retry.

import type { BodyFilter, ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { serializeRequestHead } from '../http1/serialize.ts'
import { type Conn, writeOrPause } from '../net/conn.ts'
import type { RequestPlan } from './forward-head.ts'
import { Outbound } from './outbound.ts'
import { RequestBody } from './request-body.ts'
import { HeldRequest, shouldHold } from './rewrite.ts'

export interface ClientStep {
  /** Bytes of this request's body in the chunk. */
  bytes: number
  /** Bytes past this request's body (the next request), once it is complete. */
  rest: Buffer | null
  /** The framer refused the body: nothing of it went upstream. */
  error: string | null
}

export class RequestSide {
  private readonly outbound = new Outbound()
  private readonly body: RequestBody
  /** The request body, while held for a rewrite. */
  private held: HeldRequest | null = null
  /** What a rewritten request asks of its response (set when the held body leaves). */
  responseFilter: BodyFilter | null = null

  /** `upstream`: the connection, once there is one (until then bytes queue). */
  constructor(
    plan: RequestPlan,
    dialect: ProviderDialect | null,
    meta: ExchangeMeta,
    parser: ExchangeParser | null,
    maxCopyBytes: number,
    private readonly client: Conn,
    private readonly upstream: () => Conn | null,
  ) {
    const head = plan.head
    this.body = new RequestBody(head, plan.framing, parser, maxCopyBytes)
    if (dialect && shouldHold(dialect, meta, head, plan.framing)) {
      this.held = new HeldRequest(dialect, meta, head)
    } else this.send(serializeRequestHead(head))
  }

  /** The whole body came from the client. */
  get done(): boolean {
    return this.body.done
  }

  /** The request can be sent again (it was small enough to keep). */
  get canReplay(): boolean {
    return this.outbound.canReplay
  }

  /** Request bytes from the client. */
  push(chunk: Buffer): ClientStep {
    const step = this.body.push(chunk)
    // A body the framer refused goes nowhere: not even its bytes before the error.
    if (step.error) return { bytes: 0, rest: null, error: step.error }
    if (step.raw) {
      if (this.held) this.hold(step.raw, step.payload)
      else this.send(step.raw)
    }
    if (this.held && this.body.done) this.releaseHeld()
    return { bytes: step.raw?.length ?? 0, rest: step.rest, error: null }
  }

  /** The upstream connection is open: head and body queued meanwhile leave in one write (one
   *  TLS record, one packet). */
  connected(): void {
    const queued = this.outbound.flush()
    if (queued) this.write(queued)
  }

  /** The response started: a retry is no longer possible, the kept copy can go. */
  responseStarted(): void {
    this.outbound.forgetReplay()
  }

  /** Queues the whole request again, for a fresh connection (once). */
  requeueForRetry(): void {
    this.outbound.requeueForRetry()
  }

  /** Resolves when the parser's copy of the body is fully decoded. */
  decoded(): Promise<unknown> {
    return this.body.finished()
  }

  /** Keeps the body for a rewrite; past the bound it goes upstream as it is. */
  private hold(raw: Buffer, payload: Uint8Array[]): void {
    const overflow = this.held!.add(raw, payload)
    if (!overflow) return
    this.held = null
    this.send(overflow)
  }

  private releaseHeld(): void {
    const r = this.held!.release()
    this.held = null
    this.responseFilter = r.filter
    this.send(r.bytes)
  }

  private send(buf: Buffer): void {
    this.outbound.keep(buf)
    if (this.upstream()) this.write(buf)
    else if (this.outbound.queue(buf)) this.client.pause()
  }

  private write(buf: Buffer): void {
    const up = this.upstream()
    if (!up) return
    // Once the request is complete the session decides when the client is read again.
    writeOrPause(up, buf, this.client, () => !this.done)
  }
}
