// Raw HTTP/1.1 on both sides of the proxy, for the framing tests: an upstream on loopback (TLS
// with the test CA, or plain TCP) that records the exact bytes of every connection and frames
// requests the lenient way (Content-Length only, Transfer-Encoding ignored, like the upstreams
// request smuggling abuses), and a client that speaks through a CONNECT tunnel byte for byte.

import net from 'node:net'
import tls from 'node:tls'
import { testUpstreamCa } from '../helpers/test-ca.ts'
import { strictParse } from './strict-parser.ts'

export interface SeenRequest {
  /** Upstream connection number (0, 1, …, in accept order). */
  conn: number
  /** The head as the lenient upstream framed it (text up to the blank line). */
  head: string
  body: Buffer
}

export type Answer = string | Buffer | { bytes: string | Buffer; close?: boolean } | null

export interface RawUpstream {
  port: number
  caPath: string
  /** Every byte received, per connection. */
  conns: Buffer[]
  /** Per connection: it has closed (either side). */
  closed: boolean[]
  /** Strict framing: llhttp errors on a connection's bytes. */
  strictErrors: { conn: number; error: string }[]
  requests: SeenRequest[]
  /** Bytes received on all connections. */
  received(): number
  stop(): Promise<void>
}

const OK = 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 2\r\n\r\nok'

/**
 * `answer(request)`: what to write back for each request the upstream framed (default: a small
 * 200). Framing is `lenient` by default, on purpose: the head ends at the first CRLFCRLF, the
 * body is Content-Length bytes (the first one), Transfer-Encoding is never looked at. `strict`
 * frames with llhttp instead (the head is then rebuilt from what llhttp reported).
 */
export async function startRawUpstream(
  opts: { tls?: boolean; strict?: boolean; answer?: (r: SeenRequest) => Answer } = {},
): Promise<RawUpstream> {
  const ca = await testUpstreamCa()
  const conns: Buffer[] = []
  const closed: boolean[] = []
  const strictErrors: RawUpstream['strictErrors'] = []
  const requests: SeenRequest[] = []
  const sockets = new Set<net.Socket>()
  const answer = opts.answer ?? (() => OK)
  const onSocket = (socket: net.Socket): void => {
    const conn = conns.length
    conns.push(Buffer.alloc(0))
    closed.push(false)
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      closed[conn] = true
    })
    socket.on('error', () => socket.destroy())
    let pending = Buffer.alloc(0)
    let answered = 0
    const reply = (request: SeenRequest): void => {
      requests.push(request)
      const a = answer(request)
      if (a === null) return
      if (typeof a === 'string' || Buffer.isBuffer(a)) socket.write(a)
      else {
        socket.write(a.bytes)
        if (a.close) socket.end()
      }
    }
    socket.on('data', (d: Buffer) => {
      conns[conn] = Buffer.concat([conns[conn]!, d])
      if (opts.strict) {
        const parsed = strictParse('request', conns[conn]!)
        for (const m of parsed.messages.slice(answered)) {
          const lines = [`${m.method} ${m.url} HTTP/1.1`]
          for (let i = 0; i < m.headers.length; i += 2)
            lines.push(`${m.headers[i]}: ${m.headers[i + 1]}`)
          reply({ conn, head: lines.join('\r\n'), body: m.body })
        }
        answered = parsed.messages.length
        if (parsed.error) {
          strictErrors.push({ conn, error: parsed.error })
          socket.destroy()
        }
        return
      }
      pending = Buffer.concat([pending, d])
      for (;;) {
        const end = pending.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = pending.toString('latin1', 0, end)
        const m = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head)
        const length = m ? Number(m[1]) : 0
        if (pending.length < end + 4 + length) return
        const request = { conn, head, body: pending.subarray(end + 4, end + 4 + length) }
        pending = pending.subarray(end + 4 + length)
        reply(request)
      }
    })
  }
  const server =
    opts.tls === false
      ? net.createServer(onSocket)
      : tls.createServer(
          {
            ...ca.certFor('api.anthropic.com'),
            SNICallback: (name, cb) => cb(null, tls.createSecureContext(ca.certFor(name))),
          },
          onSocket,
        )
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as net.AddressInfo).port,
    caPath: ca.certPath,
    conns,
    closed,
    strictErrors,
    requests,
    received: () => conns.reduce((n, c) => n + c.length, 0),
    async stop() {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export interface ClientConn {
  send(bytes: string | Buffer): void
  /** Waits until `count` complete responses arrived or the proxy closed; what came so far. */
  responses(count: number, methods?: string[]): Promise<ClientRead>
  /** Waits until `done(what came so far)` or the proxy closed (bounded at a few seconds). */
  until(done: (r: ClientRead) => boolean, methods?: string[]): Promise<ClientRead>
  closed(): Promise<void>
  destroy(): void
}

export interface ClientRead {
  raw: Buffer
  statuses: number[]
  bodies: string[]
  headers: string[][]
  closed: boolean
  /** The strict parser's error on what the proxy sent, if any. */
  error: string | null
}

/** A decrypted tunnel through the proxy to `host`, as a client speaking raw bytes. */
export async function tunnel(
  proxyPort: number,
  proxyCaPem: string,
  opts: { host?: string; auth?: string } = {},
): Promise<ClientConn> {
  const host = opts.host ?? 'api.anthropic.com'
  const raw = net.connect(proxyPort, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    raw.once('error', reject)
    raw.once('connect', () => {
      const auth = opts.auth ? `Proxy-Authorization: ${opts.auth}\r\n` : ''
      raw.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n${auth}\r\n`)
    })
    let head = ''
    const onData = (d: Buffer): void => {
      head += d.toString('latin1')
      if (!head.includes('\r\n\r\n')) return
      raw.off('data', onData)
      if (head.startsWith('HTTP/1.1 200')) resolve()
      else reject(new Error(`CONNECT refused: ${head.split('\r\n')[0]}`))
    }
    raw.on('data', onData)
  })
  const socket = tls.connect({ socket: raw, servername: host, ca: proxyCaPem })
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', () => resolve())
    socket.once('error', reject)
  })
  return clientOver(socket)
}

/** A plain connection to the proxy port (absolute-form requests). */
export async function plainClient(proxyPort: number): Promise<ClientConn> {
  const socket = net.connect(proxyPort, '127.0.0.1')
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve())
    socket.once('error', reject)
  })
  return clientOver(socket)
}

function clientOver(socket: net.Socket): ClientConn {
  let received = Buffer.alloc(0)
  let closed = false
  const waiters: (() => void)[] = []
  const wake = (): void => {
    for (const w of waiters.splice(0)) w()
  }
  socket.on('data', (d: Buffer) => {
    received = Buffer.concat([received, d])
    wake()
  })
  socket.on('close', () => {
    closed = true
    wake()
  })
  socket.on('error', () => {})
  const read = (methods: string[]): ClientRead => {
    const p = strictParse('response', received, methods, closed)
    return {
      raw: received,
      statuses: p.messages.map((m) => m.status ?? 0),
      bodies: p.messages.map((m) => m.body.toString('latin1')),
      headers: p.messages.map((m) => m.headers),
      closed,
      error: p.error,
    }
  }
  const until = async (done: (r: ClientRead) => boolean, methods: string[] = []) => {
    const deadline = Date.now() + 5000
    for (;;) {
      const r = read(methods)
      if (done(r) || r.closed || r.error || Date.now() > deadline) return r
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }
  return {
    send: (bytes) => socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes),
    responses: (count, methods = []) => until((r) => r.statuses.length >= count, methods),
    until,
    async closed() {
      while (!closed) await new Promise<void>((resolve) => waiters.push(resolve))
    },
    destroy: () => socket.destroy(),
  }
}
