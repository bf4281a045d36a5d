import { describe, expect, test } from 'bun:test'
import { HOUR_MS, planRange } from './plan.ts'

const H = HOUR_MS
const t0 = Date.parse('2026-01-10T00:00:00Z')

describe('planRange', () => {
  test('hour-aligned range: all rollup, no events', () => {
    expect(planRange(t0, t0 + 5 * H)).toEqual({
      rollupFrom: t0,
      rollupTo: t0 + 5 * H,
      skipHours: [],
      eventIntervals: [],
    })
  })
  test('partial edge hours come from events', () => {
    const p = planRange(t0 + 10 * 60_000, t0 + 3 * H + 1)
    expect([p.rollupFrom, p.rollupTo]).toEqual([t0 + H, t0 + 3 * H])
    expect(p.eventIntervals).toEqual([
      [t0 + 10 * 60_000, t0 + H],
      [t0 + 3 * H, t0 + 3 * H + 1],
    ])
  })
  test('inside one hour: events only', () => {
    const p = planRange(t0 + 1, t0 + H - 1)
    expect(p.rollupFrom).toBe(p.rollupTo)
    expect(p.eventIntervals).toEqual([[t0 + 1, t0 + H - 1]])
  })
  test('a bucket boundary inside an hour skips that hour; adjacent pieces merge', () => {
    const p = planRange(t0 + 30 * 60_000, t0 + 6 * H, [t0 + H + 30 * 60_000, t0 + 3 * H])
    expect(p.skipHours).toEqual([t0 + H])
    expect(p.eventIntervals).toEqual([[t0 + 30 * 60_000, t0 + 2 * H]])
  })
})
