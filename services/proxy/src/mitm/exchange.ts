// One HTTP/1.1 exchange through the proxy: request bytes go upstream as they arrive, response
// bytes go to the client as they arrive, and a decoded copy of each feeds the provider parser.
// Bookkeeping (parser end, record, sink) happens only after the client has its last byte.

import type { ExchangeParser, ParsedUsage, ProviderDialect } from '@tokentap/shared'
import { type BodyDecoder, createBodyDecoder } from '../decode/body-decoder.ts'
import { type BodyFramer, createBodyFramer } from '../http1/body.ts'
import {
  getHeader,
  headerMap,
  parseResponseHead,
  type RequestHead,
  type ResponseHead,
  serializeRequestHead,
} from '../http1/head.ts'
import type { Conn } from '../net/conn.ts'
import type { UpstreamKey } from '../upstream/pool.ts'
import type { Attribution, ClientPort, ExchangeContext } from './context.ts'
import { requestFraming, responseFraming, wantsClose } from './framing.ts'
import { buildRecord, safeEnd } from './record.ts'
import { startUpgradeRelay, type UpgradeHooks } from './upgrade.ts'

const MAX_BUFFERED_BEFORE_CONNECT = 1024 * 1024
const MAX_REPLAY_BYTES = 1024 * 1024

export interface ExchangeTarget {
  key: UpstreamKey
  /** Request target sent upstream (origin form). */
  path: string
}

export interface ExchangeEnd {
  /** The client connection may carry another request. */
  keepAlive: boolean
}

type Phase = 'connecting' | 'head' | 'body' | 'upgraded' | 'done'

export class Exchange {
  readonly done: Promise<ExchangeEnd>
  /** Settles once this exchange's records are in the sink. */
  readonly recorded: Promise<void>
  private resolveDone!: (end: ExchangeEnd) => void
  private resolveRecorded!: () => void
  private phase: Phase = 'connecting'
  private up: Conn | null = null
  private reused = false
  private retried = false
  private pendingUp: Buffer[] = []
  private pendingUpBytes = 0
  private replay: Buffer[] | null = []
  private replayBytes = 0
  private readonly reqFramer: BodyFramer
  private requestDone = false
  private readonly reqDecoder: BodyDecoder | null
  private resBuf: Buffer = Buffer.alloc(0)
  private resHead: ResponseHead | null = null
  private resFramer: BodyFramer | null = null
  private resDecoder: BodyDecoder | null = null
  private readonly parser: ExchangeParser | null
  private readonly startedAt: number
  private firstByteAt: number | null = null
  private requestBytes = 0
  private responseBytes = 0
  private sentToClient = false
  private clientWaitingDrain = false
  private upWaitingDrain = false
  private finished = false
  private readonly requestClose: boolean

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly client: ClientPort,
    private readonly head: RequestHead,
    private readonly target: ExchangeTarget,
    private readonly dialect: ProviderDialect | null,
    private readonly attribution: Attribution,
  ) {
    this.done = new Promise((r) => {
      this.resolveDone = r
    })
    this.recorded = new Promise((r) => {
      this.resolveRecorded = r
    })
    this.startedAt = ctx.now()
    const framing = requestFraming(head)
    this.reqFramer = createBodyFramer(framing === 'invalid' ? { kind: 'none' } : framing)
    this.requestClose = wantsClose(head.version, head.headers)
    this.parser = dialect
      ? dialect.createParser({
          host: target.key.host,
          method: head.method,
          path: target.path,
          requestHeaders: headerMap(head.headers),
        })
      : null
    const parser = this.parser
    this.reqDecoder = parser
      ? createBodyDecoder({
          contentEncoding: getHeader(head.headers, 'content-encoding'),
          maxOutputBytes: ctx.config.maxRequestCopyBytes,
          onData: (c) => parser.pushRequest(c),
        })
      : null
    const out = serializeRequestHead({ ...head, target: target.path })
    this.sendUp(out)
    if (this.reqFramer.done) this.markRequestDone()
    this.connect()
  }

  /** Request bytes from the client; returns the bytes past this request's body, if any. */
  onClientData(chunk: Buffer): Buffer | null {
    if (this.phase === 'done') return null
    if (this.requestDone) return chunk
    const step = this.reqFramer.push(chunk)
    if (step.consumed > 0) {
      const raw = step.consumed === chunk.length ? chunk : chunk.subarray(0, step.consumed)
      this.requestBytes += raw.length
      this.sendUp(raw)
      for (const p of step.payload) this.reqDecoder?.write(p)
    }
    if (step.error) {
      this.fail(400, `bad request body: ${step.error}`, 'failed')
      return null
    }
    if (!step.done) return null
    this.markRequestDone()
    return chunk.subarray(step.consumed)
  }

  onClientClose(): void {
    if (this.finished) return
    this.destroyUpstream()
    this.complete('aborted', 'client closed the connection', false)
  }

  private markRequestDone(): void {
    this.requestDone = true
    const parser = this.parser
    const dec = this.reqDecoder
    if (parser && dec) void dec.end().then((r) => parser.endRequest(r.truncated))
  }

  private connect(): void {
    this.ctx.pool.acquire(this.target.key).then(
      ({ socket, reused }) => this.attach(socket, reused),
      (e: Error) => {
        this.ctx.metrics.upstreamError()
        this.fail(
          502,
          `upstream ${this.target.key.host}:${this.target.key.port} unreachable: ${describe(e)}`,
          'failed',
        )
      },
    )
  }

  private attach(socket: Conn, reused: boolean): void {
    if (this.phase === 'done') {
      socket.destroy()
      return
    }
    this.up = socket
    this.reused = reused
    this.phase = 'head'
    socket.on('data', (c: Buffer) => this.onUpstreamData(c))
    socket.on('end', () => this.onUpstreamEnd(null))
    socket.on('close', () => this.onUpstreamEnd(null))
    socket.on('error', (e: Error) => this.onUpstreamEnd(e))
    socket.setTimeout(this.ctx.config.upstreamTimeoutMs, () => this.onUpstreamTimeout())
    const pending = this.pendingUp
    this.pendingUp = []
    this.pendingUpBytes = 0
    // Head and body queued while connecting leave in one write (one TLS record, one packet).
    if (pending.length === 1) this.writeUp(pending[0]!)
    else if (pending.length > 1) this.writeUp(Buffer.concat(pending))
    if (!this.requestDone) this.client.socket.resume()
  }

  private sendUp(buf: Buffer): void {
    if (this.replay) {
      this.replayBytes += buf.length
      if (this.replayBytes > MAX_REPLAY_BYTES) this.replay = null
      else this.replay.push(buf)
    }
    if (!this.up) {
      this.pendingUp.push(buf)
      this.pendingUpBytes += buf.length
      if (this.pendingUpBytes > MAX_BUFFERED_BEFORE_CONNECT) this.client.socket.pause()
      return
    }
    this.writeUp(buf)
  }

  private writeUp(buf: Buffer): void {
    const up = this.up
    if (!up || up.destroyed) return
    if (!up.write(buf) && !this.upWaitingDrain) {
      this.upWaitingDrain = true
      this.client.socket.pause()
      up.once('drain', () => {
        this.upWaitingDrain = false
        if (!this.requestDone || this.phase === 'upgraded') this.client.socket.resume()
      })
    }
  }

  private writeClient(buf: Buffer): void {
    this.sentToClient = true
    const c = this.client.socket
    if (c.destroyed) return
    if (!c.write(buf) && !this.clientWaitingDrain && this.up) {
      this.clientWaitingDrain = true
      const up = this.up
      up.pause()
      c.once('drain', () => {
        this.clientWaitingDrain = false
        up.resume()
      })
    }
  }

  private onUpstreamData(chunk: Buffer): void {
    this.firstByteAt ??= this.ctx.now()
    if (this.phase === 'head') {
      this.resBuf = this.resBuf.length === 0 ? chunk : Buffer.concat([this.resBuf, chunk])
      this.readResponseHead()
      return
    }
    if (this.phase === 'body') this.readResponseBody(chunk)
  }

  private readResponseHead(): void {
    for (;;) {
      const r = parseResponseHead(this.resBuf, this.ctx.config.maxHeaderBytes)
      if (r.kind === 'incomplete') return
      if (r.kind === 'error') {
        this.ctx.metrics.upstreamError()
        this.fail(502, `upstream sent a malformed response: ${r.message}`, 'failed')
        return
      }
      const raw = this.resBuf.subarray(0, r.headBytes)
      const rest = this.resBuf.subarray(r.headBytes)
      const status = r.head.status
      if (status === 101) {
        this.resBuf = Buffer.alloc(0)
        this.resHead = r.head
        this.writeClient(raw)
        this.phase = 'upgraded'
        startUpgradeRelay(this.upgradeHooks(), rest)
        return
      }
      if (status >= 100 && status < 200) {
        this.writeClient(raw)
        this.resBuf = rest
        if (rest.length === 0) return
        continue
      }
      this.resHead = r.head
      this.resFramer = createBodyFramer(responseFraming(this.head.method, r.head))
      this.phase = 'body'
      // Head and the body bytes that came with it go to the client in one write.
      const step = this.resFramer.done ? null : this.resFramer.push(rest)
      const consumed = step?.consumed ?? 0
      this.responseBytes += consumed
      this.writeClient(
        consumed === rest.length ? this.resBuf : this.resBuf.subarray(0, r.headBytes + consumed),
      )
      this.resBuf = Buffer.alloc(0)
      const headers = headerMap(r.head.headers)
      const parser = this.parser
      if (parser) {
        parser.onResponseHead(status, headers)
        this.resDecoder = createBodyDecoder({
          contentEncoding: headers['content-encoding'],
          maxOutputBytes: this.ctx.config.maxResponseCopyBytes,
          onData: (c) => parser.pushResponse(c),
        })
        if (step) for (const p of step.payload) this.resDecoder.write(p)
      }
      if (step?.error) {
        this.ctx.metrics.upstreamError()
        this.fail(502, `upstream response body: ${step.error}`, 'failed')
      } else if (this.resFramer.done) this.finishResponse(consumed < rest.length)
      return
    }
  }

  private readResponseBody(chunk: Buffer): void {
    const framer = this.resFramer!
    const step = framer.push(chunk)
    if (step.consumed > 0) {
      const raw = step.consumed === chunk.length ? chunk : chunk.subarray(0, step.consumed)
      this.responseBytes += raw.length
      this.writeClient(raw)
      for (const p of step.payload) this.resDecoder?.write(p)
    }
    if (step.error) {
      this.ctx.metrics.upstreamError()
      this.fail(502, `upstream response body: ${step.error}`, 'failed')
      return
    }
    if (step.done) this.finishResponse(step.consumed < chunk.length)
  }

  private finishResponse(extraBytes: boolean): void {
    const res = this.resHead!
    const closeDelimited = this.resFramer === null || !this.resFramer.endOfStream()
    const upstreamReusable =
      this.requestDone && !extraBytes && !closeDelimited && !wantsClose(res.version, res.headers)
    const up = this.up
    this.up = null
    if (up && upstreamReusable) {
      up.setTimeout(0)
      this.ctx.pool.release(this.target.key, up)
    } else if (up) {
      up.removeAllListeners()
      up.destroy()
    }
    const keepAlive = this.requestDone && !this.requestClose && upstreamReusable
    this.complete(res.status >= 400 ? 'upstream_error' : 'ok', null, keepAlive)
  }

  private onUpstreamEnd(err: Error | null): void {
    if (this.finished || this.phase === 'upgraded') return
    if (this.phase === 'body' && this.resFramer && !this.resFramer.done) {
      if (err === null && this.resFramer.endOfStream()) {
        this.finishResponse(false)
        return
      }
    }
    if (
      this.phase === 'head' &&
      this.reused &&
      !this.retried &&
      this.firstByteAt === null &&
      this.replay !== null &&
      this.requestDone
    ) {
      this.retryOnFreshConnection()
      return
    }
    this.ctx.metrics.upstreamError()
    const why = err ? describe(err) : 'connection closed'
    this.fail(
      502,
      `upstream ${this.target.key.host} failed before the response completed: ${why}`,
      'failed',
    )
  }

  /** A pooled connection the server had already closed: send the request again on a new one. */
  private retryOnFreshConnection(): void {
    const up = this.up
    this.up = null
    up?.removeAllListeners()
    up?.destroy()
    this.retried = true
    this.phase = 'connecting'
    this.pendingUp = this.replay ?? []
    this.pendingUpBytes = this.replayBytes
    this.replay = null
    this.ctx.pool.acquire({ ...this.target.key }).then(
      ({ socket }) => this.attach(socket, false),
      (e: Error) => this.fail(502, `upstream unreachable on retry: ${describe(e)}`, 'failed'),
    )
  }

  private onUpstreamTimeout(): void {
    if (this.finished || this.phase === 'upgraded') return
    this.ctx.metrics.upstreamError()
    this.fail(504, `upstream timed out after ${this.ctx.config.upstreamTimeoutMs} ms`, 'failed')
  }

  /** Ends the exchange on an error: a clear response when nothing was sent yet, else a reset. */
  private fail(status: number, message: string, outcome: 'failed' | 'aborted'): void {
    if (this.finished) return
    this.destroyUpstream()
    const c = this.client.socket
    if (!this.sentToClient && !c.destroyed) {
      const body = `tokentap: ${message}\n`
      const reason =
        status === 504 ? 'Gateway Timeout' : status === 400 ? 'Bad Request' : 'Bad Gateway'
      c.end(
        `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
          `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n` +
          `x-tokentap-error: 1\r\n\r\n${body}`,
      )
      this.complete(outcome, message, false, status)
      return
    }
    c.destroy()
    this.complete(outcome, message, false)
  }

  private destroyUpstream(): void {
    const up = this.up
    this.up = null
    if (up) {
      up.removeAllListeners()
      up.destroy()
    }
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
    const status = statusOverride ?? this.resHead?.status ?? null
    this.resolveDone({ keepAlive })
    if (!this.parser) {
      this.resolveRecorded()
      return
    }
    void this.record(endedAt, status, outcome, error).finally(this.resolveRecorded)
  }

  private async record(
    endedAt: number,
    status: number | null,
    outcome: 'ok' | 'upstream_error' | 'aborted' | 'failed',
    error: string | null,
  ): Promise<void> {
    const parser = this.parser!
    const provider = this.dialect!.provider
    await Promise.all([this.reqDecoder?.end(), this.resDecoder?.end()])
    const usage: ParsedUsage = safeEnd(provider, () => parser.end())
    this.emit(usage, { endedAt, status, outcome, error, transport: 'http' })
  }

  private emit(
    usage: ParsedUsage,
    o: {
      endedAt: number
      status: number | null
      outcome: 'ok' | 'upstream_error' | 'aborted' | 'failed'
      error: string | null
      transport: 'http' | 'websocket'
    },
  ): void {
    const id = this.ctx.newId()
    const record = buildRecord(
      {
        id,
        startedAt: this.startedAt,
        endedAt: o.endedAt,
        firstByteAt: this.firstByteAt,
        host: this.target.key.host,
        method: this.head.method,
        path: this.target.path,
        transport: o.transport,
        status: o.status,
        outcome: o.outcome,
        user: this.attribution.user,
        project: this.attribution.project,
        program: this.attribution.program,
        requestBytes: this.requestBytes,
        responseBytes: this.responseBytes,
        error: o.error,
      },
      usage,
    )
    this.ctx.metrics.exchange(record.provider, record.outcome)
    this.ctx.sink.write(record)
  }

  private upgradeHooks(): UpgradeHooks {
    const up = this.up!
    return {
      ctx: this.ctx,
      client: this.client,
      upstream: up,
      responseHeaders: headerMap(this.resHead!.headers),
      dialect: this.dialect,
      meta: {
        host: this.target.key.host,
        method: this.head.method,
        path: this.target.path,
        requestHeaders: headerMap(this.head.headers),
      },
      countRequest: (n: number) => {
        this.requestBytes += n
      },
      countResponse: (n: number) => {
        this.responseBytes += n
      },
      emit: (usage: ParsedUsage, error: string | null) =>
        this.emit(usage, {
          endedAt: this.ctx.now(),
          status: 101,
          outcome: error ? 'failed' : 'ok',
          error,
          transport: 'websocket',
        }),
      closed: (records: Promise<void>) => {
        if (this.finished) return
        this.finished = true
        this.phase = 'done'
        this.up = null
        this.resolveDone({ keepAlive: false })
        void records.finally(this.resolveRecorded)
      },
    }
  }
}

function describe(e: Error): string {
  const code = (e as Error & { code?: string }).code
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message
}
