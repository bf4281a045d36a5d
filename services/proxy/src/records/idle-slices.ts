// Bookkeeping in idle slices (docs/ARCHITECTURE.md §3, rule 1): the work that follows an
// exchange — the parser's end, the record, its price, the sink hand-off — waits in a FIFO queue
// and runs in slices scheduled after pending I/O (setImmediate), each slice bounded in time and
// in jobs, so no stream's next event waits behind a burst of other streams' records. Clock and
// scheduling are injected: the queue is tested without sockets or timers.

export interface IdleSlicesOptions {
  /** Milliseconds, monotonic (performance.now). */
  now(): number
  /** Runs `slice` once pending I/O had its turn (setImmediate). */
  schedule(slice: () => void): void
  /** A slice stops taking jobs once this much time went by… */
  budgetMs: number
  /** …or after this many jobs. */
  maxJobs: number
  /** A job threw: the queue goes on. */
  onError(e: unknown): void
}

export interface IdleSlices {
  /** Queues `job` for a later slice. */
  defer(job: () => void): void
  /** Jobs waiting. */
  readonly pending: number
  /** Slices run so far (metrics, tests). */
  readonly slices: number
}

export const DEFAULT_SLICE = { budgetMs: 1, maxJobs: 64 } as const

export function createIdleSlices(o: IdleSlicesOptions): IdleSlices {
  // A ring over an array: shift() on a long array is O(n).
  let queue: (() => void)[] = []
  let head = 0
  let scheduled = false
  let slices = 0

  function slice(): void {
    scheduled = false
    slices++
    const start = o.now()
    let ran = 0
    while (head < queue.length) {
      const job = queue[head]!
      queue[head] = noop
      head++
      ran++
      try {
        job()
      } catch (e) {
        o.onError(e)
      }
      if (ran >= o.maxJobs || o.now() - start >= o.budgetMs) break
    }
    if (head >= queue.length) {
      queue = []
      head = 0
    } else if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head)
      head = 0
    }
    if (head < queue.length) arm()
  }

  function arm(): void {
    if (scheduled) return
    scheduled = true
    o.schedule(slice)
  }

  return {
    defer(job) {
      queue.push(job)
      arm()
    },
    get pending() {
      return queue.length - head
    },
    get slices() {
      return slices
    },
  }
}

function noop(): void {}

/** The proxy's slices: performance.now, and setImmediate unless `schedule` says otherwise. */
export function idleSlices(
  onError: (e: unknown) => void,
  schedule: (slice: () => void) => void = (s) => setImmediate(s),
): IdleSlices {
  return createIdleSlices({ now: () => performance.now(), schedule, ...DEFAULT_SLICE, onError })
}
