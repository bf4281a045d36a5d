// One HTTP/1.1 exchange through the proxy: request bytes go upstream as they arrive, response
// bytes go to the client as they arrive, and a decoded copy of each feeds the provider parser.
// The exchange ends with a value (result.ts) for the record pipeline, built only after the
// client has its last byte. The request side lives in request-side.ts.

import type { ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { headerMap, type ResponseHead } from '../http1/head.ts'
import { errorResponse } from '../http1/respond.ts'
import { writeOrPause } from '../net/conn.ts'
import type {
  Attribution,
  ClientExchange,
  ClientPort,
  ExchangeContext,
  ExchangeEnd,
  ExchangeTarget,
} from './context.ts'
import type { RequestPlan } from './forward-head.ts'
import { RequestSide } from './request-side.ts'
import { ResponseCopy } from './response-copy.ts'
import { ResponseReader } from './response-reader.ts'
import { ExchangeTally, submitWhenDecoded } from './result.ts'
import { startUpgradeRelay } from './upgrade.ts'
import { describeError, UpstreamLink } from './upstream-link.ts'

type Phase = 'connecting' | 'head' | 'body' | 'upgraded' | 'done'

export class Exchange implements ClientExchange {
  readonly done: Promise<ExchangeEnd>
  /** Settles once this exchange handed its result(s) to the record pipeline. */
  readonly submitted: Promise<void>
  private resolveDone!: (end: ExchangeEnd) => void
  private resolveSubmitted!: () => void
  private phase: Phase = 'connecting'
  private readonly link: UpstreamLink
  private retried = false
  private readonly up: RequestSide
  private readonly reader: ResponseReader
  private readonly copy: ResponseCopy
  private readonly parser: ExchangeParser | null
  private readonly meta: ExchangeMeta
  private readonly tally: ExchangeTally
  private sentToClient = false
  private finished = false
  /** The client connection ends after this exchange (its request said so, or HTTP/1.0). */
  private readonly requestClose: boolean

  /** `request.head` is what goes upstream (planRequest); `clientClose` comes from the head the
   *  client sent; `startedAt`: when its head arrived (a gated request starts later). */
  constructor(
    private readonly ctx: ExchangeContext,
    private readonly client: ClientPort,
    private readonly request: RequestPlan,
    private readonly target: ExchangeTarget,
    private readonly dialect: ProviderDialect | null,
    attribution: Attribution,
    clientClose: boolean,
    startedAt: number = ctx.now(),
  ) {
    const head = request.head
    this.done = new Promise((r) => {
      this.resolveDone = r
    })
    this.submitted = new Promise((r) => {
      this.resolveSubmitted = r
    })
    this.tally = new ExchangeTally({
      startedAt,
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
    this.up = new RequestSide(
      request,
      dialect,
      this.meta,
      this.parser,
      ctx.config.maxRequestCopyBytes,
      client.socket,
      () => this.link.conn,
    )
    this.link.open()
  }

  /** Request bytes from the client; returns the bytes past this request's body, if any. */
  onClientData(chunk: Buffer): Buffer | null {
    if (this.phase === 'done') return null
    const step = this.up.push(chunk)
    if (step.error) {
      this.fail(400, `bad request body: ${step.error}`, 'failed')
      return null
    }
    this.tally.requestBytes += step.bytes
    return step.rest
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
    this.up.connected()
    if (!this.up.done) this.client.socket.resume()
  }

  private writeClient(buf: Buffer): void {
    this.sentToClient = true
    writeOrPause(this.client.socket, buf, this.link.conn)
  }

  private onUpstreamData(chunk: Buffer): void {
    if (this.tally.firstByteAt === null) {
      this.tally.firstByteAt = this.ctx.now()
      // Only a response that never started is retried (onUpstreamEnd): drop the request copy.
      this.up.responseStarted()
    }
    if (this.phase !== 'head' && this.phase !== 'body') return
    for (const ev of this.reader.push(chunk)) {
      switch (ev.kind) {
        case 'forward': {
          this.tally.responseBytes += ev.bodyBytes
          // A filtered body is written by `filtered`; only the head bytes go out as they are.
          const headBytes = this.copy.filtering ? ev.bytes.length - ev.bodyBytes : ev.bytes.length
          if (headBytes > 0) this.writeClient(ev.bytes.subarray(0, headBytes))
          break
        }
        case 'head':
          this.phase = 'body'
          this.copy.head(ev.head, this.up.responseFilter)
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
    const reuse = this.reader.reuse(extraBytes, this.up.done, this.request.head.version)
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
      this.tally.firstByteAt === null &&
      this.up.canReplay &&
      this.up.done
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
    this.up.requeueForRetry()
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
      this.resolveSubmitted()
      return
    }
    const end = { endedAt, status, outcome, error, transport: 'http' } as const
    const { parser, tally } = this
    const job = {
      provider: this.dialect.provider,
      parser,
      tally,
      end,
      headers: this.reader.head?.headers ?? null,
    }
    const decoded = [this.up.decoded(), this.copy.decoded()]
    submitWhenDecoded(this.ctx, decoded, job, this.resolveSubmitted)
  }

  private upgrade(response: ResponseHead, rest: Buffer): void {
    this.phase = 'upgraded'
    startUpgradeRelay(
      {
        ctx: this.ctx,
        client: this.client,
        upstream: this.link.detach()!,
        responseHeaders: headerMap(response.headers),
        dialect: this.dialect,
        meta: this.meta,
        tally: this.tally,
        closed: (submitted) => {
          this.finished = true
          this.phase = 'done'
          this.resolveDone({ keepAlive: false })
          void submitted.finally(this.resolveSubmitted)
        },
      },
      rest,
    )
  }
}
