// The estimator client over a fake worker and fake timers: lazy start, answers, the bounded
// queue, timeouts, worker failures and restarts. Plus one round trip through the real worker.

import { describe, expect, test } from 'bun:test'
import { createEstimator, type Timers, type WorkerPort } from './estimator.ts'
import type { EstimateJob } from './job.ts'
import { type EstimateRequest, handleEstimateMessage } from './protocol.ts'

const job: EstimateJob = {
  model: 'gpt-4o',
  seen: {
    request: { text: '{"input":"hello world"}', scale: 1, whole: true },
    output: { text: 'hello world', scale: 1 },
  },
}

class FakeWorker implements WorkerPort {
  onmessage: ((event: { data: unknown }) => void) | null = null
  onerror: ((event: { message?: string }) => void) | null = null
  received: EstimateRequest[] = []
  terminated = false
  postMessage(message: EstimateRequest): void {
    this.received.push(message)
  }
  terminate(): void {
    this.terminated = true
  }
  /** Answers the oldest unanswered request as the real worker would. */
  answer(): void {
    const request = this.received.shift()!
    this.onmessage?.({ data: handleEstimateMessage(request) })
  }
}

function fakeTimers(): Timers & { fire(): void; count: number } {
  const live = new Map<number, () => void>()
  let next = 0
  return {
    set(fn) {
      live.set(++next, fn)
      return next
    },
    clear(h) {
      live.delete(h as number)
    },
    fire() {
      for (const [id, fn] of [...live]) {
        live.delete(id)
        fn()
      }
    },
    get count() {
      return live.size
    },
  }
}

function setup(opts: { maxQueue?: number; maxRestarts?: number } = {}) {
  const workers: FakeWorker[] = []
  const timers = fakeTimers()
  const estimator = createEstimator({
    spawn: () => {
      const w = new FakeWorker()
      workers.push(w)
      return w
    },
    timers,
    timeoutMs: 1000,
    ...opts,
  })
  return { estimator, workers, timers }
}

describe('estimator', () => {
  test('starts its worker on the first job only, and answers with the counts', async () => {
    const { estimator, workers, timers } = setup()
    expect(estimator.started).toBe(false)
    expect(workers).toHaveLength(0)
    const p = estimator.estimate(job)
    expect(estimator.started).toBe(true)
    expect(estimator.pending).toBe(1)
    workers[0]!.answer()
    expect(await p).toEqual({ ok: true, result: { inputTokens: 2, outputTokens: 2, notes: [] } })
    expect(estimator.pending).toBe(0)
    expect(timers.count).toBe(0) // the job's timer is cleared
    void estimator.estimate(job)
    expect(workers).toHaveLength(1) // reused
  })

  test('a full queue refuses at once; the others still get answers', async () => {
    const { estimator, workers } = setup({ maxQueue: 2 })
    const a = estimator.estimate(job)
    const b = estimator.estimate(job)
    expect(await estimator.estimate(job)).toEqual({ ok: false, reason: 'estimator queue full (2)' })
    workers[0]!.answer()
    workers[0]!.answer()
    expect((await a).ok).toBe(true)
    expect((await b).ok).toBe(true)
  })

  test('a timeout kills the stuck worker, fails its jobs; the next job starts a new one', async () => {
    const { estimator, workers, timers } = setup()
    const a = estimator.estimate(job)
    const b = estimator.estimate(job)
    timers.fire()
    const reason = 'estimator timed out after 1000 ms'
    expect(await a).toEqual({ ok: false, reason })
    expect(await b).toEqual({ ok: false, reason })
    expect(workers[0]!.terminated).toBe(true)
    const c = estimator.estimate(job)
    expect(workers).toHaveLength(2)
    workers[1]!.answer()
    expect((await c).ok).toBe(true)
  })

  test('a worker error fails its jobs; late or malformed replies are ignored', async () => {
    const { estimator, workers } = setup()
    const a = estimator.estimate(job)
    const w = workers[0]!
    w.onmessage?.({ data: { id: 999, ok: true } })
    w.onmessage?.({ data: 'garbage' })
    expect(estimator.pending).toBe(1)
    w.onerror?.({ message: 'boom' })
    expect(await a).toEqual({ ok: false, reason: 'estimator worker failed: boom' })
    expect(w.terminated).toBe(true)
  })

  test("the worker's own error replies pass through", async () => {
    const { estimator, workers } = setup()
    const p = estimator.estimate({ model: 1 } as unknown as EstimateJob)
    workers[0]!.answer()
    expect(await p).toEqual({ ok: false, reason: 'malformed estimate request' })
  })

  test('after too many failures estimates stay off', async () => {
    const { estimator, workers } = setup({ maxRestarts: 1 })
    for (let i = 0; i < 2; i++) {
      const p = estimator.estimate(job)
      workers[i]!.onerror?.({ message: 'x' })
      await p
    }
    expect(await estimator.estimate(job)).toEqual({
      ok: false,
      reason: 'estimator disabled after 2 worker failures',
    })
    expect(workers).toHaveLength(2)
  })

  test('a worker that cannot start: the job says so', async () => {
    const estimator = createEstimator({
      spawn: () => {
        throw new Error('no workers here')
      },
    })
    expect(await estimator.estimate(job)).toEqual({
      ok: false,
      reason: 'estimator worker failed to start: no workers here',
    })
  })

  test('close fails what waits and refuses new jobs', async () => {
    const { estimator, workers } = setup()
    const p = estimator.estimate(job)
    estimator.close()
    expect(await p).toEqual({ ok: false, reason: 'estimator closed' })
    expect(workers[0]!.terminated).toBe(true)
    expect(await estimator.estimate(job)).toEqual({ ok: false, reason: 'estimator closed' })
  })
})

test('the real worker answers like the job run in process', async () => {
  const estimator = createEstimator()
  try {
    const r = await estimator.estimate(job)
    expect(r).toEqual({ ok: true, result: { inputTokens: 2, outputTokens: 2, notes: [] } })
  } finally {
    estimator.close()
  }
}, 60_000)
