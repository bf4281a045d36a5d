// An HTTP/1.1 connection from a client: reads request heads one after another (keep-alive)
// and runs one Exchange at a time. `plain` sessions are connections to the proxy port itself
// (CONNECT, absolute-form http://, or the proxy's own endpoints); `mitm` sessions run inside
// a decrypted CONNECT tunnel.

import { parseRequestHead, type RequestHead } from '../http1/head.ts'
import { errorResponse, serializeResponse } from '../http1/respond.ts'
import type { Admission, Identity } from '../identity/credentials.ts'
import { poolIdentity } from '../upstream/pool.ts'
import { attributionOf } from './attribution.ts'
import type { ClientExchange, ExchangeTarget } from './context.ts'
import { Exchange } from './exchange.ts'
import { planRequest } from './forward-head.ts'
import { requestFraming, wantsClose } from './framing.ts'
import { GatedRequest, gateFor } from './gated-request.ts'
import type { SessionOptions } from './session-options.ts'
import { absoluteTarget, originForm } from './targets.ts'

export type { SessionMode, SessionOptions } from './session-options.ts'

export function startHttpSession(o: SessionOptions, initial: Buffer = Buffer.alloc(0)): void {
  const { ctx, socket } = o
  const cfg = ctx.config
  let pending = initial
  let state: 'head' | 'checking' | 'exchange' | 'detached' | 'closed' = 'head'
  let exchange: ClientExchange | null = null
  let timer: ReturnType<typeof setTimeout> | null = null

  const arm = (ms: number): void => {
    disarm()
    timer = setTimeout(onTimeout, ms)
  }
  function disarm(): void {
    if (timer) clearTimeout(timer)
    timer = null
  }
  function onTimeout(): void {
    if (state !== 'head') return
    if (pending.length > 0) reject(408, 'timed out waiting for the request head')
    else close()
  }
  function close(): void {
    state = 'closed'
    disarm()
    socket.destroy()
  }
  const teamMode = cfg.proxyUsersFile !== undefined
  /** `method`: the request's, when its head was read (a HEAD gets no content). */
  function reject(status: number, message: string, method?: string): void {
    ctx.metrics.badRequest()
    ctx.log.warn(`${o.mode.kind === 'mitm' ? o.mode.host : 'proxy'}: ${status} ${message}`)
    state = 'closed'
    disarm()
    socket.end(errorResponse(status, message, method === 'HEAD'))
  }

  const onData = (chunk: Buffer): void => {
    if (state === 'exchange' && exchange) {
      const rest = exchange.onClientData(chunk)
      if (rest !== null && rest.length > 0) stash(rest)
      return
    }
    if (state === 'checking') {
      stash(chunk)
      return
    }
    if (state !== 'head') return
    stash(chunk)
    processPending()
  }
  function stash(b: Buffer): void {
    pending = pending.length === 0 ? b : Buffer.concat([pending, b])
    if ((state === 'exchange' || state === 'checking') && pending.length > cfg.maxHeaderBytes) {
      socket.pause()
    }
  }
  const onGone = (): void => {
    if (state === 'closed' || state === 'detached') return
    state = 'closed'
    disarm()
    exchange?.onClientClose()
  }
  socket.on('data', onData)
  socket.on('end', onGone)
  socket.on('close', onGone)
  socket.on('error', onGone)
  arm(cfg.headerTimeoutMs)

  function processPending(): void {
    while (state === 'head' && pending.length > 0) {
      const r = parseRequestHead(pending, cfg.maxHeaderBytes)
      if (r.kind === 'incomplete') return
      if (r.kind === 'error') {
        reject(r.status, r.message)
        return
      }
      const leftover = pending.subarray(r.headBytes)
      pending = Buffer.alloc(0)
      disarm()
      dispatch(r.head, leftover)
    }
  }

  function dispatch(head: RequestHead, leftover: Buffer): void {
    if (o.mode.kind === 'mitm') {
      const target = head.target.startsWith('/') ? head.target : originForm(head.target)
      if (target === null) {
        reject(400, `bad request target "${head.target}"`, head.method)
        return
      }
      const key = {
        host: o.mode.host,
        port: o.mode.port,
        tls: true,
        identity: poolIdentity(o.identity.user, teamMode),
      }
      run(head, { key, path: target }, null, true, leftover, o.identity)
      return
    }
    // Requests the proxy answers itself carry no body: one would be read as the next request.
    const framing = requestFraming(head)
    if (head.method === 'CONNECT' || head.target.startsWith('/')) {
      if (!framing.ok || framing.framing.kind !== 'none') {
        reject(400, framing.ok ? `${head.method} with a body` : framing.message, head.method)
        return
      }
    }
    if (head.method === 'CONNECT') {
      if (!o.onConnect) {
        reject(400, 'CONNECT not allowed here')
        return
      }
      state = 'detached'
      detachListeners()
      o.onConnect(head, socket, leftover)
      return
    }
    if (head.target.startsWith('/')) {
      const res = o.local?.(head) ?? { status: 404, contentType: 'text/plain', body: 'not found\n' }
      if (!(res instanceof Promise)) {
        socket.write(serializeResponse(res, head.method === 'HEAD'))
        pending = leftover
        arm(cfg.idleTimeoutMs)
        return
      }
      // Bytes that arrive meanwhile wait in `pending`, as while a destination is checked.
      state = 'checking'
      pending = leftover
      res.then(
        (answer) => {
          if (state !== 'checking') return
          socket.write(serializeResponse(answer, head.method === 'HEAD'))
          state = 'head'
          arm(cfg.idleTimeoutMs)
          if (socket.isPaused()) socket.resume()
          processPending()
        },
        () => {
          if (state === 'checking') reject(503, 'metrics unavailable', head.method)
        },
      )
      return
    }
    const abs = absoluteTarget(head.target)
    if (!abs.ok) {
      reject(400, abs.message, head.method)
      return
    }
    const admission: Admission = o.admit?.(head) ?? { ok: true, identity: o.identity }
    if (!admission.ok) {
      state = 'closed'
      disarm()
      socket.end(admission.response)
      return
    }
    const identity = poolIdentity(admission.identity.user, teamMode)
    const key = { host: abs.host, port: abs.port, tls: false, identity }
    const go = (rest: Buffer): void =>
      run(
        head,
        { key, path: abs.path },
        abs.authority,
        o.intercepts(key.host),
        rest,
        admission.identity,
      )
    const check = o.checkDestination?.(key.host, key.port, admission.identity.user) ?? null
    if (check === null) {
      go(leftover)
      return
    }
    // Body bytes that arrive while the destination is checked wait in `pending`.
    state = 'checking'
    pending = leftover
    check.then(
      (refusal) => {
        if (state !== 'checking') return
        if (refusal !== null) {
          state = 'closed'
          socket.end(refusal)
          return
        }
        const rest = pending
        pending = Buffer.alloc(0)
        go(rest)
      },
      () => {
        if (state === 'checking') close()
      },
    )
  }

  /** `authority`: an absolute-form request's host[:port], which replaces its Host header. */
  function run(
    head: RequestHead,
    target: ExchangeTarget,
    authority: string | null,
    record: boolean,
    leftover: Buffer,
    identity: Identity,
  ): void {
    const plan = planRequest(head, target.path, authority)
    if ('status' in plan) {
      reject(plan.status, plan.message, head.method)
      return
    }
    const { attribution, notes } = attributionOf(
      identity,
      target.key.host,
      target.path,
      head.headers,
      ctx.accountOf,
    )
    for (const note of notes) ctx.log.warn(`${target.key.host}: ${note}`)
    state = 'exchange'
    const port = {
      socket,
      detach: (): Buffer => {
        state = 'detached'
        detachListeners()
        const p = pending
        pending = Buffer.alloc(0)
        return p
      },
    }
    const dialect = record ? ctx.dialectFor(target.key.host, target.path) : null
    const clientClose = wantsClose(head.version, head.headers)
    // Hard budgets: asked only while some budget blocks (ctx.blocking.active).
    const gate =
      dialect && ctx.blocking?.active ? gateFor(ctx, plan, target, dialect, attribution) : null
    const ex: ClientExchange =
      dialect && gate
        ? new GatedRequest(ctx, port, plan, target, dialect, attribution, clientClose, gate)
        : new Exchange(ctx, port, plan, target, dialect, attribution, clientClose)
    exchange = ex
    o.track?.(ex.submitted)
    const rest = ex.onClientData(leftover)
    if (rest !== null && rest.length > 0) stash(rest)
    void ex.done.then(({ keepAlive }) => {
      exchange = null
      if (state !== 'exchange') return
      if (!keepAlive || socket.destroyed) {
        state = 'closed'
        socket.end()
        return
      }
      state = 'head'
      arm(cfg.idleTimeoutMs)
      if (socket.isPaused()) socket.resume()
      processPending()
    })
  }

  function detachListeners(): void {
    disarm()
    socket.pause()
    socket.off('data', onData)
    socket.off('end', onGone)
    socket.off('close', onGone)
    socket.off('error', onGone)
  }

  if (pending.length > 0) processPending()
}
