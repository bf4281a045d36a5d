// What the proxy makes of a fuzz input, computed with the proxy's own pure parts the way its
// IO shell composes them (mitm/session.ts for absolute-form requests, mitm/exchange.ts for
// responses): which requests go upstream (head as planned, body as framed), what the client
// is answered, and which bytes a response puts on the client connection.

import { createBodyFramer } from '../../src/http1/body.ts'
import { type HeaderList, parseRequestHead } from '../../src/http1/head.ts'
import { planRequest } from '../../src/mitm/forward-head.ts'
import { wantsClose } from '../../src/mitm/framing.ts'
import { ResponseReader } from '../../src/mitm/response-reader.ts'

export interface Forwarded {
  method: string
  target: string
  headers: HeaderList
  body: string
}

export interface RequestView {
  /** Complete requests sent upstream, in order. */
  forwarded: Forwarded[]
  /** Statuses the client gets: 200 per forwarded request (the upstream's), then a refusal. */
  statuses: number[]
  /** The method each status answers ('' when the head could not be read). */
  methods: string[]
  /** The proxy closes the client connection after them. */
  closes: boolean
  /** Why the case is not sent (it would reach beyond the loopback upstream, or a proxy endpoint). */
  skip: string | null
}

/** One client connection's bytes, as the proxy port reads them (local mode). */
export function requestView(wire: Buffer, maxHeaderBytes: number): RequestView {
  const view: RequestView = { forwarded: [], statuses: [], methods: [], closes: false, skip: null }
  let method = ''
  const refuse = (status: number): RequestView => {
    view.statuses.push(status)
    view.methods.push(method)
    view.closes = true
    return view
  }
  let buf = wire
  while (buf.length > 0) {
    const r = parseRequestHead(buf, maxHeaderBytes)
    if (r.kind === 'incomplete') return view
    method = ''
    if (r.kind === 'error') return refuse(r.status)
    const head = r.head
    method = head.method
    if (head.method === 'CONNECT' || head.target.startsWith('/'))
      return { ...view, skip: 'not an absolute-form request' }
    let url: URL
    try {
      url = new URL(head.target)
    } catch {
      return refuse(400)
    }
    if (url.protocol !== 'http:') return refuse(400)
    if (url.hostname !== 'fuzz.test' || url.port !== '')
      return { ...view, skip: `would dial ${url.host}` }
    const plan = planRequest(head, `${url.pathname}${url.search}`, url.host)
    if ('status' in plan) return refuse(plan.status)
    const framer = createBodyFramer(plan.framing)
    const rest = buf.subarray(r.headBytes)
    const step = framer.done ? { consumed: 0, payload: [], done: true } : framer.push(rest)
    if ('error' in step && step.error) return refuse(400)
    if (!step.done) return view
    view.forwarded.push({
      method: plan.head.method,
      target: plan.head.target,
      headers: plan.head.headers,
      body: Buffer.concat(step.payload).toString('latin1'),
    })
    view.statuses.push(200)
    view.methods.push(head.method)
    // The client connection ends when its request said so, with HTTP/1.0, or after an upgrade
    // request (the upstream connection is not reused after one, and the client's goes with it).
    if (wantsClose(head.version, head.headers) || head.version === '1.0' || plan.upgrade) {
      view.closes = true
      return view
    }
    buf = rest.subarray(step.consumed)
  }
  return view
}

export interface ResponseView {
  /** Every byte the proxy may put on the client connection, the response fed a byte at a time
   *  (what it writes for any split of the input is a prefix of this). */
  forwards: Buffer
  /** The response ended cleanly: `done` (framed), `close` (close-delimited, complete at the
   *  upstream's close), or it is refused / cut short. */
  outcome: 'done' | 'close' | 'error' | 'cut'
  /** More bytes followed a complete response. */
  extra: boolean
}

/** An upstream's response to `method`, the upstream closing after it. */
export function responseView(method: string, wire: Buffer, maxHeaderBytes: number): ResponseView {
  const reader = new ResponseReader(method, maxHeaderBytes, {
    upgradeRequested: false,
    clientClose: false,
  })
  const forwards: Buffer[] = []
  let outcome: ResponseView['outcome'] | null = null
  let extra = false
  for (let i = 0; i < wire.length && outcome === null; i++) {
    for (const ev of reader.push(wire.subarray(i, i + 1))) {
      if (ev.kind === 'forward') forwards.push(ev.bytes)
      else if (ev.kind === 'error') outcome = 'error'
      else if (ev.kind === 'done') {
        outcome = 'done'
        extra = i + 1 < wire.length
      }
    }
  }
  outcome ??= reader.head && reader.closeDelimited && reader.endOfStream() ? 'close' : 'cut'
  return { forwards: Buffer.concat(forwards), outcome, extra }
}
