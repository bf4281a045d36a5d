// Conn: the small socket surface the proxy's sessions use, and BunConn, which gives it to Bun's
// native sockets (Bun.listen / upgradeTLS / Bun.connect). Bun's own write() is unbuffered and
// may take part of a chunk: BunConn keeps the rest and reports backpressure like node streams.

import { EventEmitter } from 'node:events'
import type { Socket, SocketHandler } from 'bun'

/** What sessions, exchanges and relays need from a client or upstream connection. */
export interface Conn {
  readonly destroyed: boolean
  /** False when the data was queued: wait for 'drain'. */
  write(data: Uint8Array | string): boolean
  end(data?: Uint8Array | string): void
  destroy(): void
  pause(): void
  resume(): void
  isPaused(): boolean
  on(event: 'data', listener: (chunk: Buffer) => void): this
  on(event: 'drain' | 'end' | 'close', listener: () => void): this
  on(event: 'error', listener: (error: Error) => void): this
  once(event: 'drain' | 'end' | 'close', listener: () => void): this
  // biome-ignore lint/suspicious/noExplicitAny: EventEmitter's own listener type, so node and Bun sockets both fit
  off(event: string, listener: (...args: any[]) => void): this
  removeAllListeners(event?: string): this
  /** Calls `onTimeout` after `ms` without data in either direction; 0 disables. */
  setTimeout(ms: number, onTimeout?: () => void): void
}

export class BunConn extends EventEmitter implements Conn {
  private socket: Socket<BunConn> | null = null
  private queue: Uint8Array[] = []
  private paused = false
  private ending = false
  private closed = false
  private destroying = false
  private idleMs = 0
  private idleTimer: ReturnType<typeof setTimeout> | null = null
  private lastActivity = 0
  private onIdle: (() => void) | null = null
  /** After upgradeTLS the raw socket still sees ciphertext: its events are no longer ours. */
  detached = false

  attach(socket: Socket<BunConn>): this {
    this.socket = socket
    return this
  }

  get destroyed(): boolean {
    return this.closed || this.destroying
  }

  get raw(): Socket<BunConn> | null {
    return this.socket
  }

  write(data: Uint8Array | string): boolean {
    const s = this.socket
    if (this.destroyed || !s || this.ending) return false
    if (this.idleMs > 0) this.lastActivity = performance.now()
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data
    if (this.queue.length > 0) {
      this.queue.push(bytes)
      return false
    }
    const n = s.write(bytes)
    if (n < 0) return false
    if (n < bytes.length) {
      this.queue.push(bytes.subarray(n))
      return false
    }
    return true
  }

  end(data?: Uint8Array | string): void {
    if (this.closed || this.ending) return
    if (data !== undefined) this.write(data)
    this.ending = true
    if (this.queue.length === 0) this.socket?.end()
  }

  setTimeout(ms: number, onTimeout?: () => void): void {
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    this.idleMs = ms
    this.onIdle = onTimeout ?? null
    if (ms <= 0 || this.closed) return
    this.lastActivity = performance.now()
    const check = (): void => {
      this.idleTimer = null
      if (this.closed || this.idleMs !== ms) return
      const left = this.lastActivity + ms - performance.now()
      if (left > 0) {
        this.idleTimer = setTimeout(check, left)
        return
      }
      this.onIdle?.()
    }
    this.idleTimer = setTimeout(check, ms)
  }

  /** Bun's data: note activity for the idle timer, then hand it on. */
  onData(data: Buffer): void {
    if (this.idleMs > 0) this.lastActivity = performance.now()
    this.emit('data', data)
  }

  /** Like node's destroy(): the socket is gone at once, 'close' follows on a later tick. */
  destroy(): void {
    if (this.closed || this.destroying) return
    this.destroying = true
    this.queue = []
    this.socket?.terminate()
    process.nextTick(() => this.onClose())
  }

  pause(): void {
    this.paused = true
    this.socket?.pause()
  }

  resume(): void {
    this.paused = false
    this.socket?.resume()
  }

  isPaused(): boolean {
    return this.paused
  }

  setNoDelay(on = true): void {
    this.socket?.setNoDelay(on)
  }

  /** Bun's drain: the socket can take more. */
  onDrain(): void {
    const s = this.socket
    if (!s || this.closed) return
    while (this.queue.length > 0) {
      const head = this.queue[0]!
      const n = s.write(head)
      if (n < 0) return
      if (n < head.length) {
        this.queue[0] = head.subarray(n)
        return
      }
      this.queue.shift()
    }
    if (this.ending) {
      s.end()
      return
    }
    this.emit('drain')
  }

  onClose(error?: Error): void {
    if (this.closed) return
    this.closed = true
    if (this.idleTimer) clearTimeout(this.idleTimer)
    this.idleTimer = null
    if (error) this.emit('error', error)
    this.emit('close')
  }
}

/** One handler set shared by every socket (Bun's recommended shape): events go to socket.data. */
export const BUN_CONN_HANDLERS: SocketHandler<BunConn> = {
  open(socket) {
    socket.data.attach(socket)
  },
  data(socket, data) {
    if (!socket.data.detached) socket.data.onData(data)
  },
  handshake(socket, success, authorizationError) {
    if (socket.data.detached) return
    socket.data.emit('handshake', success, authorizationError)
  },
  drain(socket) {
    if (!socket.data.detached) socket.data.onDrain()
  },
  end(socket) {
    if (!socket.data.detached) socket.data.emit('end')
  },
  close(socket, error) {
    if (!socket.data.detached) socket.data.onClose(error)
  },
  error(socket, error) {
    if (!socket.data.detached) socket.data.emit('error', error)
  },
}

const awaitingDrain = new WeakSet<Conn>()

/**
 * Writes `chunk` to `to`; when `to` is full, pauses `from` until `to` drains (one wait per
 * stall) and resumes it then if `mayResume()` still agrees. Backpressure both ways uses this.
 */
export function writeOrPause(
  to: Conn,
  chunk: Uint8Array,
  from: Conn | null,
  mayResume: () => boolean = () => true,
): void {
  if (to.destroyed) return
  if (to.write(chunk) || !from || awaitingDrain.has(to)) return
  awaitingDrain.add(to)
  from.pause()
  to.once('drain', () => {
    awaitingDrain.delete(to)
    if (mayResume()) from.resume()
  })
}
