import { describe, expect, test } from 'bun:test'
import { createStreamGate } from './gate.ts'
import { createOutbox } from './outbox.ts'

describe('stream gate', () => {
  test('caps open streams; a release frees one slot, once', () => {
    const g = createStreamGate({ max: 2 })
    const a = g.acquire()
    const b = g.acquire()
    expect(a).not.toBeNull()
    expect(b).not.toBeNull()
    expect(g.acquire()).toBeNull()
    a?.()
    a?.()
    expect(g.open).toBe(1)
    expect(g.acquire()).not.toBeNull()
    expect(g.acquire()).toBeNull()
    expect(g.stats).toEqual({ refused: 2, dropped: 0 })
  })

  test('refusals and drops are logged at most once a minute per kind, with a count', () => {
    let now = 0
    const logs: string[] = []
    const g = createStreamGate({ max: 0, log: (m) => logs.push(m), now: () => now })
    for (let i = 0; i < 5; i++) g.acquire()
    g.dropped({ events: 7, bytes: 900 })
    now = 60_000
    g.acquire()
    expect(logs).toEqual([
      'dashboard: live stream refused: 0 open, DASHBOARD_MAX_STREAMS is 0',
      'dashboard: live stream dropped: its reader fell 7 events / 900 bytes behind; it was told to reconnect',
      'dashboard: live stream refused: 0 open, DASHBOARD_MAX_STREAMS is 0 (4 more since the last report)',
    ])
    expect(g.stats).toEqual({ refused: 6, dropped: 1 })
  })
})

describe('outbox', () => {
  test('bounded by events and by UTF-8 bytes; take empties it', () => {
    const o = createOutbox({ maxEvents: 3, maxBytes: 10 })
    expect(o.push('ab')).toBe(true)
    expect(o.push('é')).toBe(true) // 2 bytes
    expect([o.events, o.bytes]).toEqual([2, 4])
    expect(o.push('1234567')).toBe(false) // 11 bytes
    expect(o.push('x')).toBe(true)
    expect(o.push('y')).toBe(false) // 4th event
    expect(o.take()).toBe('abéx')
    expect(o.take()).toBeNull()
    expect([o.events, o.bytes]).toEqual([0, 0])
  })
})
