// Request bytes on their way upstream: queued while the connection is being made (flushed as one
// write), and a bounded copy kept so a request can be sent again on a fresh connection when a
// pooled one turns out to be dead.

const MAX_QUEUED_BYTES = 1024 * 1024
const MAX_REPLAY_BYTES = 1024 * 1024

export class Outbound {
  private queued: Buffer[] = []
  private queuedBytes = 0
  private replay: Buffer[] | null = []
  private replayBytes = 0

  /** Remember `buf` for a retry (while small enough). */
  keep(buf: Buffer): void {
    if (!this.replay) return
    this.replayBytes += buf.length
    if (this.replayBytes > MAX_REPLAY_BYTES) this.replay = null
    else this.replay.push(buf)
  }

  /** Queue while not connected; true when the client should pause (queue full). */
  queue(buf: Buffer): boolean {
    this.queued.push(buf)
    this.queuedBytes += buf.length
    return this.queuedBytes > MAX_QUEUED_BYTES
  }

  /** Everything queued, as one buffer (null when empty). */
  flush(): Buffer | null {
    const q = this.queued
    this.queued = []
    this.queuedBytes = 0
    return q.length === 0 ? null : q.length === 1 ? q[0]! : Buffer.concat(q)
  }

  get canReplay(): boolean {
    return this.replay !== null
  }

  /** No retry can come any more (the response started): let the kept copy go. */
  forgetReplay(): void {
    this.replay = null
    this.replayBytes = 0
  }

  /** Re-queue the whole request for a second connection; only once. */
  requeueForRetry(): void {
    this.queued = this.replay ?? []
    this.queuedBytes = this.replayBytes
    this.replay = null
  }
}
