// One HTTP/1.1 exchange through the proxy: request bytes go upstream as they arrive, response
// bytes go to the client as they arrive, and a decoded copy of each feeds the provider parser.
// Bookkeeping (parser end, record, sink) happens only after the client has its last byte.

import type { BodyFilter, ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { headerMap, type ResponseHead } from '../http1/head.ts'
import { errorResponse } from '../http1/respond.ts'
import { serializeRequestHead } from '../http1/serialize.ts'
import { writeOrPause } from '../net/conn.ts'
import type {
  Attribution,
  ClientPort,
  ExchangeContext,
  ExchangeEnd,
  ExchangeTarget,
} from './context.ts'
import type { RequestPlan } from './forward-head.ts'
import { Outbound } from './outbound.ts'
import { ExchangeLedger } from './record.ts'
import { RequestBody } from './request-body.ts'
import { ResponseCopy } from './response-copy.ts'
import { ResponseReader } from './response-reader.ts'
import { HeldRequest, shouldHold } from './rewrite.ts'
import { startUpgradeRelay, type UpgradeHooks } from './upgrade.ts'
import { describeError, UpstreamLink } from './upstream-link.ts'

type Phase = 'connecting' | 'head' | 'body' | 'upgraded' | 'done'

export class Exchange {
  readonly done: Promise<ExchangeEnd>
  /** Settles once this exchange's records are in the sink. */
  readonly recorded: Promise<void>
  private resolveDone!: (end: ExchangeEnd) => void
  private resolveRecorded!: () => void
  private phase: Phase = 'connecting'
  private readonly link: UpstreamLink
  private retried = false
  private readonly outbound = new Outbound()
  private readonly body: RequestBody
  private readonly reader: ResponseReader
  private readonly copy: ResponseCopy
  /** The request body, while held for a rewrite. */
  private held: HeldRequest | null = null
  private responseFilter: BodyFilter | null = null
  private readonly parser: ExchangeParser | null
  private readonly meta: ExchangeMeta
  private readonly ledger: ExchangeLedger
  private sentToClient = false
  private finished = false
  /** The client connection ends after this exchange (its request said so, or HTTP/1.0). */
  private readonly requestClose: boolean

  /** `request.head` is what goes upstream (planRequest); `clientClose` comes from the head the
   *  client sent. */
  constructor(
    private readonly ctx: ExchangeContext,
    private readonly client: ClientPort,
    private readonly request: RequestPlan,
    private readonly target: ExchangeTarget,
    private readonly dialect: ProviderDialect | null,
    attribution: Attribution,
    clientClose: boolean,
  ) {
    const head = request.head
    this.done = new Promise((r) => {
      this.resolveDone = r
    })
    this.recorded = new Promise((r) => {
      this.resolveRecorded = r
    })
    this.ledger = new ExchangeLedger(ctx, {
      startedAt: ctx.now(),
      host: target.key.host,
      method: head.method,
      path: target.path,
      ...attribution,
    })
    // An HTTP/1.0 request goes upstream without keep-alive (Connection is hop-by-hop): neither
    // connection is reused after it.
    this.requestClose = clientClose || head.version === '1.0'
    this.reader = new ResponseReader(head.method, ctx.config.maxHeaderBytes, {
      upgradeRequested: request.upgrade,
      clientClose: this.requestClose,
    })
    this.meta = {
      host: target.key.host,
      method: head.method,
      path: target.path,
      requestHeaders: headerMap(head.headers),
    }
    this.parser = dialect ? dialect.createParser(this.meta) : null
    this.body = new RequestBody(head, request.framing, this.parser, ctx.config.maxRequestCopyBytes)
    this.copy = new ResponseCopy(this.parser, ctx.config.maxResponseCopyBytes, (b) =>
      this.writeClient(b),
    )
    this.link = new UpstreamLink(ctx.pool, target.key, ctx.config.upstreamTimeoutMs, {
      connected: () => this.connected(),
      data: (c) => this.onUpstreamData(c),
      ended: (e) => this.onUpstreamEnd(e),
      timeout: () => this.onUpstreamTimeout(),
      unreachable: (e) => {
        this.ctx.metrics.upstreamError()
        const { host, port } = target.key
        this.fail(502, `upstream ${host}:${port} unreachable: ${describeError(e)}`, 'failed')
      },
    })
    if (dialect && shouldHold(dialect, this.meta, head, request.framing)) {
      this.held = new HeldRequest(dialect, this.meta, head)
    } else this.sendUp(serializeRequestHead(head))
    this.link.open()
  }

  /** Request bytes from the client; returns the bytes past this request's body, if any. */
  onClientData(chunk: Buffer): Buffer | null {
    if (this.phase === 'done') return null
    const step = this.body.push(chunk)
    // A body the framer refused goes nowhere: not even its bytes before the error.
    if (step.error) {
      this.fail(400, `bad request body: ${step.error}`, 'failed')
      return null
    }
    if (step.raw) {
      this.ledger.requestBytes += step.raw.length
      if (this.held) this.hold(step.raw, step.payload)
      else this.sendUp(step.raw)
    }
    if (this.held && this.body.done) this.releaseHeld()
    return step.rest
  }

  /** Keeps the body for a rewrite; past the bound it goes upstream as it is. */
  private hold(raw: Buffer, payload: Uint8Array[]): void {
    const overflow = this.held!.add(raw, payload)
    if (!overflow) return
    this.held = null
    this.sendUp(overflow)
  }

  private releaseHeld(): void {
    const r = this.held!.release()
    this.held = null
    this.responseFilter = r.filter
    this.sendUp(r.bytes)
  }

  private get requestDone(): boolean {
    return this.body.done
  }

  onClientClose(): void {
    if (this.finished) return
    this.link.drop()
    this.complete('aborted', 'client closed the connection', false)
  }

  private connected(): void {
    if (this.phase === 'done') {
      this.link.drop()
      return
    }
    this.phase = 'head'
    // Head and body queued while connecting leave in one write (one TLS record, one packet).
    const queued = this.outbound.flush()
    if (queued) this.writeUp(queued)
    if (!this.requestDone) this.client.socket.resume()
  }

  private sendUp(buf: Buffer): void {
    this.outbound.keep(buf)
    if (this.link.conn) this.writeUp(buf)
    else if (this.outbound.queue(buf)) this.client.socket.pause()
  }

  private writeUp(buf: Buffer): void {
    const up = this.link.conn
    if (!up) return
    // Once the request is complete the session decides when the client is read again.
    writeOrPause(up, buf, this.client.socket, () => !this.requestDone)
  }

  private writeClient(buf: Buffer): void {
    this.sentToClient = true
    writeOrPause(this.client.socket, buf, this.link.conn)
  }

  private onUpstreamData(chunk: Buffer): void {
    this.ledger.firstByteAt ??= this.ctx.now()
    if (this.phase !== 'head' && this.phase !== 'body') return
    for (const ev of this.reader.push(chunk)) {
      switch (ev.kind) {
        case 'forward': {
          this.ledger.responseBytes += ev.bodyBytes
          // A filtered body is written by `filtered`; only the head bytes go out as they are.
          const headBytes = this.copy.filtering ? ev.bytes.length - ev.bodyBytes : ev.bytes.length
          if (headBytes > 0) this.writeClient(ev.bytes.subarray(0, headBytes))
          break
        }
        case 'head':
          this.phase = 'body'
          this.copy.head(ev.head, this.responseFilter)
          break
        case 'payload':
          this.copy.payload(ev.chunks)
          break
        case 'upgrade':
          this.upgrade(ev.head, ev.rest)
          return
        case 'done':
          this.finishResponse(ev.extraBytes)
          return
        case 'error':
          this.ctx.metrics.upstreamError()
          this.fail(502, ev.message, 'failed')
          return
      }
    }
  }

  private finishResponse(extraBytes: boolean): void {
    this.copy.endFiltered()
    const res = this.reader.head!
    const reuse = this.reader.reuse(extraBytes, this.requestDone, this.request.head.version)
    this.link.release(reuse.upstream)
    this.complete(res.status >= 400 ? 'upstream_error' : 'ok', null, reuse.client)
  }

  private onUpstreamEnd(err: Error | null): void {
    if (this.finished || this.phase === 'upgraded') return
    if (this.phase === 'body' && err === null && this.reader.endOfStream()) {
      this.finishResponse(false)
      return
    }
    if (
      this.phase === 'head' &&
      this.link.reused &&
      !this.retried &&
      this.ledger.firstByteAt === null &&
      this.outbound.canReplay &&
      this.requestDone
    ) {
      this.retryOnFreshConnection()
      return
    }
    this.ctx.metrics.upstreamError()
    const why = err ? describeError(err) : 'connection closed'
    this.fail(
      502,
      `upstream ${this.target.key.host} failed before the response completed: ${why}`,
      'failed',
    )
  }

  /** A pooled connection the server had already closed: send the request again on a new one. */
  private retryOnFreshConnection(): void {
    this.retried = true
    this.phase = 'connecting'
    this.outbound.requeueForRetry()
    this.link.reopen()
  }

  private onUpstreamTimeout(): void {
    if (this.finished || this.phase === 'upgraded') return
    this.ctx.metrics.upstreamError()
    this.fail(504, `upstream timed out after ${this.ctx.config.upstreamTimeoutMs} ms`, 'failed')
  }

  /** Ends the exchange on an error: a clear response when nothing was sent yet, else a reset. */
  private fail(status: number, message: string, outcome: 'failed' | 'aborted'): void {
    if (this.finished) return
    this.link.drop()
    const c = this.client.socket
    if (!this.sentToClient && !c.destroyed) {
      c.end(errorResponse(status, message, this.request.head.method === 'HEAD'))
      this.complete(outcome, message, false, status)
      return
    }
    c.destroy()
    this.complete(outcome, message, false)
  }

  private complete(
    outcome: 'ok' | 'upstream_error' | 'aborted' | 'failed',
    error: string | null,
    keepAlive: boolean,
    statusOverride?: number,
  ): void {
    if (this.finished) return
    this.finished = true
    this.phase = 'done'
    const endedAt = this.ctx.now()
    const status = statusOverride ?? this.reader.head?.status ?? null
    this.resolveDone({ keepAlive })
    if (!this.parser || !this.dialect) {
      this.resolveRecorded()
      return
    }
    // Off the data path: the parser's copies finish decoding, then the one record is emitted.
    const pending = [this.body.finished(), this.copy.decoded()]
    const end = { endedAt, status, outcome, error, transport: 'http' } as const
    void this.ledger
      .emitAfter(pending, this.dialect.provider, this.parser, end)
      .finally(this.resolveRecorded)
  }

  private upgrade(response: ResponseHead, rest: Buffer): void {
    this.phase = 'upgraded'
    const hooks: UpgradeHooks = {
      ctx: this.ctx,
      client: this.client,
      upstream: this.link.detach()!,
      responseHeaders: headerMap(response.headers),
      dialect: this.dialect,
      meta: this.meta,
      ledger: this.ledger,
      closed: (records) => {
        this.finished = true
        this.phase = 'done'
        this.resolveDone({ keepAlive: false })
        void records.finally(this.resolveRecorded)
      },
    }
    startUpgradeRelay(hooks, rest)
  }
}
