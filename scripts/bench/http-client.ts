// The load generator's HTTP/1.1 client over raw node:tls: one request in flight per keep-alive
// connection, responses framed by content-length or chunked (close-delimited also handled),
// body bytes handed out with their arrival time. Connections are opened by connect.ts.

import type tls from 'node:tls'

export type Mode = 'direct' | 'proxy'

export interface Route {
  mode: Mode
  /** Mock upstream port (direct) or proxy port (proxy). */
  port: number
  /** PEM the client trusts: the test CA (direct) or the proxy's CA (proxy). */
  ca: string
}

export interface RequestOpts {
  /** Keep the body bytes (for checking them). */
  collect?: boolean
  /** Each body piece with the arrival time (performance.now()) of its TCP chunk. */
  onBody?: (piece: Buffer, at: number) => void
  /** A response meant to stay open (scenario k): the hang watchdog leaves it alone. */
  open?: boolean
}

export interface ResponseInfo {
  status: number
  bodyBytes: number
  body: Buffer | null
  /** performance.now() at request write, first response byte, last response byte. */
  tStart: number
  tFirst: number
  tEnd: number
}

type State = 'head' | 'cl' | 'size' | 'data' | 'crlf' | 'trailer' | 'eof'

interface Pending {
  opts: RequestOpts
  state: State
  remaining: number
  status: number
  keepAlive: boolean
  bodyBytes: number
  parts: Buffer[]
  tStart: number
  tFirst: number
  resolve(r: ResponseInfo): void
  reject(e: Error): void
}

export const CRLF2 = Buffer.from('\r\n\r\n')

// One watchdog for every connection: a response slower than this fails its connection, so a
// hung proxy shows up as errors instead of a bench that never ends.
let responseTimeoutMs = 30_000
const inflight = new Set<Conn>()
let watchdog: ReturnType<typeof setInterval> | null = null

export function setResponseTimeout(ms: number): void {
  responseTimeoutMs = ms
}

function watch(c: Conn): void {
  inflight.add(c)
  watchdog ??= setInterval(() => {
    const now = performance.now()
    for (const conn of inflight) conn.expire(now)
    if (inflight.size === 0 && watchdog) {
      clearInterval(watchdog)
      watchdog = null
    }
  }, 1000)
  watchdog.unref?.()
}

export class Conn {
  private cur: Pending | null = null
  private buf: Buffer = Buffer.alloc(0)
  private error: Error | null = null

  constructor(readonly socket: tls.TLSSocket) {
    socket.on('data', (c: Buffer) => this.onData(c))
    socket.on('error', (e: Error) => this.onGone(e))
    socket.on('close', () => this.onGone(null))
  }

  get usable(): boolean {
    return this.error === null && !this.socket.destroyed
  }

  request(raw: Buffer, opts: RequestOpts = {}): Promise<ResponseInfo> {
    if (this.error) return Promise.reject(this.error)
    if (this.cur) return Promise.reject(new Error('request already in flight'))
    return new Promise((resolve, reject) => {
      this.cur = {
        opts,
        state: 'head',
        remaining: 0,
        status: 0,
        keepAlive: true,
        bodyBytes: 0,
        parts: [],
        tStart: performance.now(),
        tFirst: -1,
        resolve,
        reject,
      }
      if (!opts.open) watch(this)
      this.socket.write(raw)
    })
  }

  /** Fails the request in flight if it is older than the response timeout. */
  expire(now: number): void {
    const p = this.cur
    if (!p) {
      inflight.delete(this)
      return
    }
    if (now - p.tStart > responseTimeoutMs) {
      this.fail(`no complete response after ${responseTimeoutMs} ms (state ${p.state})`)
    }
  }

  close(): void {
    this.error ??= new Error('closed by the client')
    this.socket.destroy()
  }

  private onGone(e: Error | null): void {
    const p = this.cur
    if (p?.state === 'eof' && e === null) {
      this.finish(p, performance.now())
      return
    }
    this.error ??= e ?? new Error('connection closed by the server')
    if (p) {
      this.cur = null
      inflight.delete(this)
      p.reject(new Error(`${this.error.message} (response state ${p.state})`))
    }
  }

  private fail(message: string): void {
    this.error = new Error(message)
    const p = this.cur
    this.cur = null
    inflight.delete(this)
    this.socket.destroy()
    p?.reject(this.error)
  }

  private onData(chunk: Buffer): void {
    const t = performance.now()
    const p = this.cur
    if (!p) {
      this.fail(`unexpected ${chunk.length} bytes with no request in flight`)
      return
    }
    if (p.tFirst < 0) p.tFirst = t
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk])
    this.advance(p, t)
  }

  private emit(p: Pending, piece: Buffer, t: number): void {
    p.bodyBytes += piece.length
    if (p.opts.collect) p.parts.push(piece)
    p.opts.onBody?.(piece, t)
  }

  private take(p: Pending, t: number): void {
    const n = Math.min(p.remaining, this.buf.length)
    if (n === 0) return
    this.emit(p, this.buf.subarray(0, n), t)
    p.remaining -= n
    this.buf = this.buf.subarray(n)
  }

  private advance(p: Pending, t: number): void {
    for (;;) {
      switch (p.state) {
        case 'head': {
          const i = this.buf.indexOf(CRLF2)
          if (i < 0) {
            if (this.buf.length > 65_536) this.fail('response head over 64 KiB')
            return
          }
          if (!this.readHead(p, this.buf.toString('latin1', 0, i))) return
          this.buf = this.buf.subarray(i + 4)
          break
        }
        case 'cl':
          this.take(p, t)
          if (p.remaining > 0) return
          this.finish(p, t)
          return
        case 'size': {
          const i = this.buf.indexOf('\r\n')
          if (i < 0) return
          const size = Number.parseInt(this.buf.toString('latin1', 0, i).split(';')[0] ?? '', 16)
          if (!Number.isFinite(size)) {
            this.fail('bad chunk size line')
            return
          }
          this.buf = this.buf.subarray(i + 2)
          p.remaining = size
          p.state = size === 0 ? 'trailer' : 'data'
          break
        }
        case 'data':
          this.take(p, t)
          if (p.remaining > 0) return
          p.state = 'crlf'
          break
        case 'crlf':
          if (this.buf.length < 2) return
          if (this.buf[0] !== 13 || this.buf[1] !== 10) {
            this.fail('chunk not followed by CRLF')
            return
          }
          this.buf = this.buf.subarray(2)
          p.state = 'size'
          break
        case 'trailer': {
          const i = this.buf.indexOf('\r\n')
          if (i < 0) return
          this.buf = this.buf.subarray(i + 2)
          if (i === 0) {
            this.finish(p, t)
            return
          }
          break
        }
        case 'eof':
          if (this.buf.length > 0) this.emit(p, this.buf, t)
          this.buf = Buffer.alloc(0)
          return
      }
    }
  }

  /** Parses the response head into the framing state; false if the connection failed. */
  private readHead(p: Pending, head: string): boolean {
    const lines = head.split('\r\n')
    const m = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0] ?? '')
    if (!m) {
      this.fail(`bad status line ${JSON.stringify(lines[0])}`)
      return false
    }
    p.status = Number(m[2])
    p.keepAlive = m[1] === '1'
    let length = -1
    let chunked = false
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!
      const c = line.indexOf(':')
      const name = line.slice(0, c).trim().toLowerCase()
      const value = line
        .slice(c + 1)
        .trim()
        .toLowerCase()
      if (name === 'content-length') length = Number(value)
      else if (name === 'transfer-encoding') chunked = value.includes('chunked')
      else if (name === 'connection') p.keepAlive = value !== 'close'
    }
    if (p.status === 204 || p.status === 304) length = 0
    if (chunked) p.state = 'size'
    else if (length >= 0) {
      p.state = 'cl'
      p.remaining = length
    } else {
      p.state = 'eof'
      p.keepAlive = false
    }
    return true
  }

  private finish(p: Pending, t: number): void {
    this.cur = null
    inflight.delete(this)
    if (this.buf.length > 0 && p.state !== 'eof') {
      this.fail(`${this.buf.length} bytes past the end of the response`)
    }
    if (!p.keepAlive) {
      this.error ??= new Error('server closed the connection (connection: close)')
      this.socket.end()
    }
    p.resolve({
      status: p.status,
      bodyBytes: p.bodyBytes,
      body: p.opts.collect ? Buffer.concat(p.parts) : null,
      tStart: p.tStart,
      tFirst: p.tFirst,
      tEnd: t,
    })
  }
}
