// An exchange's connection to its upstream: taken from the pool, watched for data, end, errors
// and silence, and handed back (reusable) or dropped when the exchange is done with it.

import type { Conn } from '../net/conn.ts'
import type { UpstreamKey, UpstreamPool } from '../upstream/pool.ts'

export interface LinkEvents {
  connected(): void
  data(chunk: Buffer): void
  /** The connection ended or failed (not called after release/drop). */
  ended(error: Error | null): void
  timeout(): void
  /** No connection could be made. */
  unreachable(error: Error): void
}

export class UpstreamLink {
  conn: Conn | null = null
  /** The current connection came from the idle pool (it may have died in the meantime). */
  reused = false

  constructor(
    private readonly pool: UpstreamPool,
    private readonly key: UpstreamKey,
    private readonly timeoutMs: number,
    private readonly on: LinkEvents,
  ) {}

  open(): void {
    this.pool.acquire(this.key).then(
      ({ socket, reused }) => this.attach(socket, reused),
      (e: Error) => this.on.unreachable(e),
    )
  }

  /** Drop the current connection and make a fresh one (never from the pool). */
  reopen(): void {
    this.drop()
    this.pool.acquire(this.key).then(
      ({ socket }) => this.attach(socket, false),
      (e: Error) => this.on.unreachable(e),
    )
  }

  /** Stop listening; the caller owns the connection from now on (upgrades). */
  detach(): Conn | null {
    const c = this.conn
    this.conn = null
    c?.removeAllListeners()
    c?.setTimeout(0)
    return c
  }

  /** Back to the pool when reusable, else closed. */
  release(reusable: boolean): void {
    const c = this.detach()
    if (!c) return
    if (reusable) this.pool.release(this.key, c)
    else c.destroy()
  }

  drop(): void {
    this.detach()?.destroy()
  }

  private attach(socket: Conn, reused: boolean): void {
    this.conn = socket
    this.reused = reused
    socket.on('data', (c: Buffer) => this.on.data(c))
    socket.on('end', () => this.on.ended(null))
    socket.on('close', () => this.on.ended(null))
    socket.on('error', (e: Error) => this.on.ended(e))
    socket.setTimeout(this.timeoutMs, () => this.on.timeout())
    this.on.connected()
  }
}

export function describeError(e: Error): string {
  const code = (e as Error & { code?: string }).code
  return code && !e.message.includes(code) ? `${code}: ${e.message}` : e.message
}
