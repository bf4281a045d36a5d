// The proxy's side of the estimator worker: starts it on the first job (never before), keeps at
// most `maxQueue` jobs in it, and answers every job exactly once — with counts, or with the reason
// there are none (queue full, timed out, worker failed, closed). A job that times out means the
// worker is stuck or starved: it is terminated, its jobs fail, and the next job starts a fresh one
// (at most `maxRestarts` times; then estimates stay off). Never rejects, never throws.

import type { EstimateJob, EstimateResult } from './job.ts'
import { type EstimateRequest, isEstimateReply } from './protocol.ts'

export type EstimateOutcome = { ok: true; result: EstimateResult } | { ok: false; reason: string }

/** What the estimator needs of a worker (a Bun Worker, or a fake in tests). */
export interface WorkerPort {
  postMessage(message: EstimateRequest): void
  onmessage: ((event: { data: unknown }) => void) | null
  onerror: ((event: { message?: string }) => void) | null
  terminate(): void
}

export interface Timers {
  set(fn: () => void, ms: number): unknown
  clear(handle: unknown): void
}

export interface EstimatorOptions {
  spawn?: () => WorkerPort
  /** Jobs in the worker at once; more are refused at once (default 256). */
  maxQueue?: number
  /** Per job, from submission (default 30 s: the first job also builds the encoder). */
  timeoutMs?: number
  maxRestarts?: number
  timers?: Timers
}

export interface Estimator {
  estimate(job: EstimateJob): Promise<EstimateOutcome>
  /** The worker is running. */
  readonly started: boolean
  /** Jobs waiting for an answer. */
  readonly pending: number
  close(): void
}

interface Pending {
  resolve(outcome: EstimateOutcome): void
  timer: unknown
}

const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms)
    t.unref?.()
    return t
  },
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
}

function spawnBunWorker(): WorkerPort {
  const worker = new Worker(new URL('./worker.ts', import.meta.url).href)
  worker.unref() // an idle estimator never keeps the process alive
  return worker as unknown as WorkerPort
}

export function createEstimator(opts: EstimatorOptions = {}): Estimator {
  const spawn = opts.spawn ?? spawnBunWorker
  const maxQueue = opts.maxQueue ?? 256
  const timeoutMs = opts.timeoutMs ?? 30_000
  const maxRestarts = opts.maxRestarts ?? 3
  const timers = opts.timers ?? realTimers
  const pending = new Map<number, Pending>()
  let worker: WorkerPort | null = null
  let starts = 0
  let nextId = 1
  let closed = false
  let disabled: string | null = null

  const settle = (id: number, outcome: EstimateOutcome): void => {
    const p = pending.get(id)
    if (p === undefined) return
    pending.delete(id)
    timers.clear(p.timer)
    p.resolve(outcome)
  }

  /** Drops the worker and fails everything it held. */
  const fail = (reason: string): void => {
    const w = worker
    worker = null
    if (w !== null) {
      w.onmessage = null
      w.onerror = null
      try {
        w.terminate()
      } catch {
        // already gone
      }
    }
    for (const id of [...pending.keys()]) settle(id, { ok: false, reason })
    if (starts > maxRestarts) disabled ??= `estimator disabled after ${starts} worker failures`
  }

  const start = (): WorkerPort | string => {
    if (worker !== null) return worker
    starts++
    let w: WorkerPort
    try {
      w = spawn()
    } catch (e) {
      const reason = `estimator worker failed to start: ${(e as Error)?.message ?? String(e)}`
      if (starts > maxRestarts) disabled ??= reason
      return reason
    }
    w.onmessage = (event) => {
      const reply = event.data
      if (!isEstimateReply(reply)) return
      settle(
        reply.id,
        reply.ok ? { ok: true, result: reply.result } : { ok: false, reason: reply.error },
      )
    }
    w.onerror = (event) => fail(`estimator worker failed: ${event.message ?? 'error'}`)
    worker = w
    return w
  }

  return {
    get started() {
      return worker !== null
    },
    get pending() {
      return pending.size
    },
    estimate(job) {
      if (closed) return Promise.resolve({ ok: false, reason: 'estimator closed' })
      if (disabled !== null) return Promise.resolve({ ok: false, reason: disabled })
      if (pending.size >= maxQueue) {
        return Promise.resolve({ ok: false, reason: `estimator queue full (${maxQueue})` })
      }
      const w = start()
      if (typeof w === 'string') return Promise.resolve({ ok: false, reason: w })
      const id = nextId++
      return new Promise<EstimateOutcome>((resolve) => {
        const timer = timers.set(() => {
          if (pending.has(id)) fail(`estimator timed out after ${timeoutMs} ms`)
        }, timeoutMs)
        pending.set(id, { resolve, timer })
        try {
          w.postMessage({ id, job })
        } catch (e) {
          settle(id, { ok: false, reason: `estimator post failed: ${(e as Error)?.message}` })
        }
      })
    },
    close() {
      closed = true
      fail('estimator closed')
    },
  }
}
