import { describe, expect, test } from 'bun:test'
import type { EventRow } from '@tokentap/shared/api'
import { createLiveHub } from './hub.ts'

const row = (id: string): EventRow => ({ id }) as EventRow

describe('live hub', () => {
  test('reads each notified range in order, delivers each id once to every subscriber', async () => {
    const db: Record<string, EventRow[]> = {
      'a-c': [row('a'), row('b'), row('c')],
      'b-d': [row('b'), row('d')],
    }
    const hub = createLiveHub({
      source: {
        range: async (first, last) => db[`${first}-${last}`] ?? [],
        recordedSince: async () => [row('d'), row('e')],
      },
    })
    const one: string[] = []
    const two: string[] = []
    hub.subscribe((r) => one.push(r.id))
    const off = hub.subscribe((r) => two.push(r.id))
    hub.notify({ count: 3, firstId: 'a', lastId: 'c' })
    hub.notify({ count: 2, firstId: 'b', lastId: 'd' })
    await hub.idle()
    off()
    hub.listening(null) // first connect: nothing to catch up
    hub.listening(1_000)
    await hub.idle()
    expect(one).toEqual(['a', 'b', 'c', 'd', 'e'])
    expect(two).toEqual(['a', 'b', 'c', 'd'])
  })
  test('a failing read is reported and does not stop the feed', async () => {
    const errors: string[] = []
    let fail = true
    const hub = createLiveHub({
      source: {
        range: async () => {
          if (fail) {
            fail = false
            throw new Error('db down')
          }
          return [row('x')]
        },
        recordedSince: async () => [],
      },
      onError: (e) => errors.push(e.message),
    })
    const got: string[] = []
    hub.subscribe((r) => got.push(r.id))
    hub.notify({ count: 1, firstId: 'x', lastId: 'x' })
    hub.notify({ count: 1, firstId: 'x', lastId: 'x' })
    await hub.idle()
    expect(errors).toEqual(['db down'])
    expect(got).toEqual(['x'])
  })

  test('a reprice reaches the subscribers that asked, after the rows queued before it', async () => {
    let gaps = 0
    const hub = createLiveHub({
      source: { range: async (first) => [row(first)], recordedSince: async () => [] },
      onGap: () => gaps++,
    })
    const seen: string[] = []
    const rowsOnly: string[] = []
    const off = hub.subscribe(
      (r) => seen.push(r.id),
      () => seen.push('repriced'),
    )
    hub.subscribe((r) => rowsOnly.push(r.id))
    hub.notify({ count: 1, firstId: 'a', lastId: 'a' })
    hub.repriced()
    hub.notify({ count: 1, firstId: 'b', lastId: 'b' })
    await hub.idle()
    off()
    hub.repriced()
    await hub.idle()
    expect(seen).toEqual(['a', 'repriced', 'b'])
    expect(rowsOnly).toEqual(['a', 'b'])
    expect(gaps).toBe(2)
  })
})
