// A request a hard budget may refuse (ctx.blocking, blocking/): nothing of it goes upstream, and
// no upstream connection is asked for, until its gate decides. When the model is named in the
// body, the body is held first (bounded: past MAX_HELD_BODY_BYTES the gate decides on what it
// holds). Forwarded: a normal Exchange takes over, fed the held bytes first. Refused: the rest of
// the body is read and dropped (a client still sending must not meet a reset), the answer in the
// provider's error format goes to the client, and the exchange ends with its one record (outcome
// `blocked`, not billable: nothing reached the provider).

import type { ExchangeMeta, ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { getHeader, headerMap } from '../http1/head.ts'
import { errorResponse, type LocalResponse, serializeResponse } from '../http1/respond.ts'
import type {
  Attribution,
  ClientExchange,
  ClientPort,
  ExchangeContext,
  ExchangeEnd,
  ExchangeTarget,
  GateRefusal,
  RequestGate,
} from './context.ts'
import { Exchange } from './exchange.ts'
import type { RequestPlan } from './forward-head.ts'
import { RequestBody } from './request-body.ts'
import { ExchangeTally, parserResult } from './result.ts'
import { MAX_HELD_BODY_BYTES } from './rewrite.ts'

/** The hard budgets' gate for a request (ctx.blocking), or null: nothing can block it. */
export function gateFor(
  ctx: ExchangeContext,
  plan: RequestPlan,
  target: ExchangeTarget,
  dialect: ProviderDialect,
  who: Attribution,
): RequestGate | null {
  const meta: ExchangeMeta = {
    host: target.key.host,
    method: plan.head.method,
    path: target.path,
    requestHeaders: headerMap(plan.head.headers),
  }
  return ctx.blocking?.gate(dialect, meta, who) ?? null
}

export class GatedRequest implements ClientExchange {
  readonly done: Promise<ExchangeEnd>
  readonly submitted: Promise<void>
  private resolveDone!: (end: ExchangeEnd) => void
  private resolveSubmitted!: () => void
  private inner: ClientExchange | null = null
  private body: RequestBody | null = null
  private parser: ExchangeParser | null = null
  private tally: ExchangeTally | null = null
  private held: Buffer[] = []
  private heldBytes = 0
  private payload: Buffer[] = []
  private refusal: GateRefusal | null = null
  private finished = false
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly startedAt: number

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly client: ClientPort,
    private readonly plan: RequestPlan,
    private readonly target: ExchangeTarget,
    private readonly dialect: ProviderDialect,
    private readonly attribution: Attribution,
    private readonly clientClose: boolean,
    private readonly gate: RequestGate,
  ) {
    this.done = new Promise((r) => {
      this.resolveDone = r
    })
    this.submitted = new Promise((r) => {
      this.resolveSubmitted = r
    })
    this.startedAt = ctx.now()
    // The model in the path: decided now, and a request that may go is not held at all.
    const early = gate.needsBody ? undefined : gate.decide(null)
    if (early === null) {
      this.forward()
      return
    }
    const head = plan.head
    const meta: ExchangeMeta = {
      host: target.key.host,
      method: head.method,
      path: target.path,
      requestHeaders: headerMap(head.headers),
    }
    this.parser = dialect.createParser(meta)
    this.body = new RequestBody(head, plan.framing, this.parser, ctx.config.maxRequestCopyBytes)
    this.tally = new ExchangeTally({
      startedAt: this.startedAt,
      host: target.key.host,
      method: head.method,
      path: target.path,
      ...attribution,
    })
    this.refusal = early ?? null
    // A client that stops sending its body is not waited for longer than an upstream would be.
    this.timer = setTimeout(
      () => this.fail(408, 'timed out waiting for the request body'),
      ctx.config.upstreamTimeoutMs,
    )
    this.step(null)
  }

  onClientData(chunk: Buffer): Buffer | null {
    if (this.inner) return this.inner.onClientData(chunk)
    // After a refusal the connection may carry the next request: its bytes go back.
    if (this.finished) return this.body?.done ? chunk : null
    if (!this.body || !this.tally) return null
    const step = this.body.push(chunk)
    if (step.error) {
      this.fail(400, `bad request body: ${step.error}`)
      return null
    }
    if (step.raw) {
      this.tally.requestBytes += step.raw.length
      if (!this.refusal) {
        this.held.push(step.raw)
        this.heldBytes += step.raw.length
        for (const p of step.payload) this.payload.push(Buffer.from(p))
      }
    }
    return this.step(step.rest)
  }

  onClientClose(): void {
    if (this.inner) {
      this.inner.onClientClose()
      return
    }
    this.finish('aborted', 'client closed the connection', false)
  }

  /** Decides once the held body is complete (or over the bound); answers a refusal once the body
   *  has been read to its end. Returns what follows the body. */
  private step(rest: Buffer | null): Buffer | null {
    const body = this.body
    if (!body || this.finished) return rest
    if (!this.refusal && (body.done || this.heldBytes > MAX_HELD_BODY_BYTES)) {
      const refusal = this.gate.decide({
        payload: Buffer.concat(this.payload),
        complete: body.done,
        contentEncoding: getHeader(this.plan.head.headers, 'content-encoding'),
      })
      if (refusal === null) return this.forward(rest)
      this.refusal = refusal
      this.held = []
      this.payload = []
    }
    if (this.refusal && body.done) this.refuse(this.refusal)
    return rest
  }

  /** The normal exchange takes over, fed the bytes held so far. */
  private forward(rest: Buffer | null = null): Buffer | null {
    this.clearTimer()
    const { ctx, client, plan, target, dialect, attribution, clientClose } = this
    const inner = new Exchange(
      ctx,
      client,
      plan,
      target,
      dialect,
      attribution,
      clientClose,
      this.startedAt,
    )
    this.inner = inner
    void inner.done.then(this.resolveDone)
    void inner.submitted.then(this.resolveSubmitted)
    const held = this.held
    this.held = []
    this.payload = []
    if (held.length > 0) inner.onClientData(Buffer.concat(held))
    return rest
  }

  private refuse(refusal: GateRefusal): void {
    const head = this.plan.head
    // An upgrade refused, HTTP/1.0 or a client asking to close: the connection ends here.
    const keepAlive = !this.clientClose && !this.plan.upgrade && head.version !== '1.0'
    const response: LocalResponse = { ...refusal.response, close: !keepAlive }
    const c = this.client.socket
    if (!c.destroyed) c.write(serializeResponse(response, head.method === 'HEAD'))
    this.finish('blocked', refusal.message, keepAlive, response)
  }

  private fail(status: number, message: string): void {
    if (this.finished) return
    const c = this.client.socket
    if (!c.destroyed) c.end(errorResponse(status, message, this.plan.head.method === 'HEAD'))
    this.ctx.log.warn(`${this.target.key.host}: ${status} ${message}`)
    this.finish('failed', message, false, null, status)
  }

  /** The one record: what the request said, the answer given (if any), never billable. */
  private finish(
    outcome: 'blocked' | 'aborted' | 'failed',
    error: string,
    keepAlive: boolean,
    response: LocalResponse | null = null,
    failStatus: number | null = null,
  ): void {
    if (this.finished || this.inner) return
    this.finished = true
    this.clearTimer()
    const endedAt = this.ctx.now()
    this.resolveDone({ keepAlive })
    const { parser, body, tally } = this
    if (!parser || !body || !tally) {
      this.resolveSubmitted()
      return
    }
    const status = response?.status ?? failStatus
    if (response) tally.responseBytes = Buffer.byteLength(response.body)
    void (async () => {
      await body.finished()
      if (response) {
        const headers = { 'content-type': response.contentType, ...response.headers }
        parser.onResponseHead(response.status, headers)
        parser.pushResponse(Buffer.from(response.body))
      }
      const end = { endedAt, status, outcome, error, transport: 'http' } as const
      // A local answer: tiny, parsed here; the pipeline defers the rest to an idle slice.
      const result = parserResult(this.dialect.provider, parser, tally, end)
      result.usage = { ...result.usage, billable: false }
      this.ctx.records.submit(result)
    })().finally(this.resolveSubmitted)
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
  }
}
