// One SSE subscriber's backlog: events the hub delivered that the client has not taken yet.
// The stream pulls from it only as fast as the socket drains, so a slow or stuck reader shows up
// here; past `maxEvents` or `maxBytes` the push is refused and the caller drops the subscriber
// (it reconnects and catches up by Last-Event-ID). Pure: no timers, no IO.

export interface OutboxLimits {
  maxEvents: number
  maxBytes: number
}

/** Larger than one hub burst (2,000 rows of ~1 KB per NOTIFY range), far below a stuck reader's
 *  pile-up. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = { maxEvents: 5_000, maxBytes: 4 * 1024 * 1024 }

export interface Outbox {
  /** Queues one event; false (nothing queued) when it would exceed a limit. */
  push(text: string): boolean
  /** Everything queued, joined, and the queue emptied; null when empty. */
  take(): string | null
  /** Discards the backlog. */
  clear(): void
  readonly events: number
  readonly bytes: number
}

export function createOutbox(limits: OutboxLimits = DEFAULT_OUTBOX_LIMITS): Outbox {
  let queue: string[] = []
  let bytes = 0
  return {
    push(text) {
      const size = Buffer.byteLength(text)
      if (queue.length + 1 > limits.maxEvents || bytes + size > limits.maxBytes) return false
      queue.push(text)
      bytes += size
      return true
    },
    take() {
      if (queue.length === 0) return null
      const text = queue.length === 1 ? queue[0]! : queue.join('')
      queue = []
      bytes = 0
      return text
    },
    clear() {
      queue = []
      bytes = 0
    },
    get events() {
      return queue.length
    },
    get bytes() {
      return bytes
    },
  }
}
