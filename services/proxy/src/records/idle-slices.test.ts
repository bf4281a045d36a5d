import { describe, expect, test } from 'bun:test'
import { createIdleSlices, type IdleSlicesOptions } from './idle-slices.ts'

/** A hand-driven scheduler and clock: `turn()` runs the slice that was scheduled, if any. */
function harness(over: Partial<IdleSlicesOptions> = {}) {
  let clock = 0
  let next: (() => void) | null = null
  let scheduled = 0
  const errors: unknown[] = []
  const q = createIdleSlices({
    now: () => clock,
    schedule: (s) => {
      expect(next).toBeNull() // never two slices armed at once
      next = s
      scheduled++
    },
    budgetMs: 1,
    maxJobs: 3,
    onError: (e) => errors.push(e),
    ...over,
  })
  return {
    q,
    errors,
    advance: (ms: number) => {
      clock += ms
    },
    get scheduled() {
      return scheduled
    },
    turn(): boolean {
      const s = next
      next = null
      s?.()
      return s !== null
    },
  }
}

describe('idle slices', () => {
  test('nothing runs when deferred; jobs run in order in a later slice', () => {
    const h = harness()
    const ran: number[] = []
    h.q.defer(() => ran.push(1))
    h.q.defer(() => ran.push(2))
    expect(ran).toEqual([])
    expect(h.q.pending).toBe(2)
    expect(h.scheduled).toBe(1)
    h.turn()
    expect(ran).toEqual([1, 2])
    expect(h.q.pending).toBe(0)
    expect(h.turn()).toBe(false) // nothing left: no slice armed
  })

  test('a slice stops after maxJobs and arms the next one', () => {
    const h = harness()
    const ran: number[] = []
    for (let i = 0; i < 7; i++) h.q.defer(() => ran.push(i))
    h.turn()
    expect(ran).toEqual([0, 1, 2])
    h.turn()
    expect(ran).toEqual([0, 1, 2, 3, 4, 5])
    h.turn()
    expect(ran).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(h.q.slices).toBe(3)
  })

  test('a slice stops once its time budget is spent', () => {
    const h = harness({ maxJobs: 100, budgetMs: 2 })
    const ran: number[] = []
    for (let i = 0; i < 5; i++) {
      h.q.defer(() => {
        ran.push(i)
        h.advance(1) // each job takes 1 ms
      })
    }
    h.turn()
    expect(ran).toEqual([0, 1])
    h.turn()
    expect(ran).toEqual([0, 1, 2, 3])
    h.turn()
    expect(ran).toEqual([0, 1, 2, 3, 4])
  })

  test('a job that throws is reported and the queue goes on', () => {
    const h = harness()
    const ran: string[] = []
    h.q.defer(() => {
      throw new Error('boom')
    })
    h.q.defer(() => ran.push('after'))
    h.turn()
    expect(ran).toEqual(['after'])
    expect((h.errors[0] as Error).message).toBe('boom')
  })

  test('jobs deferred by a running job wait their turn in the queue', () => {
    const h = harness({ maxJobs: 10 })
    const ran: string[] = []
    h.q.defer(() => {
      ran.push('a')
      h.q.defer(() => ran.push('a2'))
    })
    h.q.defer(() => ran.push('b'))
    h.turn()
    expect(ran).toEqual(['a', 'b', 'a2'])
  })

  test('a long queue keeps every job exactly once across many slices', () => {
    const h = harness({ maxJobs: 7 })
    let sum = 0
    for (let i = 1; i <= 5000; i++) h.q.defer(() => (sum += i))
    while (h.turn()) {}
    expect(sum).toBe((5000 * 5001) / 2)
    expect(h.q.pending).toBe(0)
  })
})
