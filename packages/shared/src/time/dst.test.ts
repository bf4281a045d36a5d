// The DST policy of zone.ts checked at every transition of 2025-2027 in zones with whole-hour,
// half-hour and 45-minute offsets, northern and southern DST, a half-hour DST shift and a
// midnight jump: every wall time around each transition, and every local day start.

import { describe, expect, test } from 'bun:test'
import { startOfDay } from './calendar.ts'
import { localParts, zonedToUtc, zoneOffset } from './zone.ts'

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'America/Santiago',
  'Australia/Sydney',
  'America/St_Johns',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Asia/Beirut',
  'America/Havana',
]
const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

interface Transition {
  at: number
  before: number
  after: number
}

/** Offset changes in [from, to), found a day at a time, each located to the second. */
function transitions(zone: string, from: number, to: number): Transition[] {
  const out: Transition[] = []
  let prev = zoneOffset(from, zone)
  for (let t = from + DAY; t < to; t += DAY) {
    const o = zoneOffset(t, zone)
    if (o === prev) continue
    let lo = t - DAY
    let hi = t
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000
      if (zoneOffset(mid, zone) === prev) lo = mid
      else hi = mid
    }
    out.push({ at: hi, before: prev, after: o })
    prev = o
  }
  return out
}

/** What the policy says `wall` resolves to near transition `x`. */
function expected(wall: number, x: Transition): number {
  const gap = x.after > x.before
  const first = x.at + Math.min(x.before, x.after)
  const last = x.at + Math.max(x.before, x.after)
  if (wall >= first && wall < last) return gap ? x.at : wall - x.before
  return wall < first ? wall - x.before : wall - x.after
}

const FROM = Date.UTC(2025, 0, 1)
const TO = Date.UTC(2028, 0, 1)

describe('DST policy at every transition, 2025-2027', () => {
  for (const zone of ZONES) {
    test(zone, () => {
      const xs = transitions(zone, FROM, TO)
      const dst = !['Asia/Kolkata', 'Asia/Kathmandu'].includes(zone)
      expect(xs.length > 0).toBe(dst)
      for (const x of xs) {
        const first = x.at + Math.min(x.before, x.after)
        // Every quarter hour from 3 h before the changed stretch to 3 h after it.
        for (let wall = first - 3 * HOUR; wall <= first + 4 * HOUR; wall += 15 * MIN) {
          expect({ zone, wall: new Date(wall), got: new Date(zonedToUtc(wall, zone)) }).toEqual({
            zone,
            wall: new Date(wall),
            got: new Date(expected(wall, x)),
          })
        }
        // Each local day around the transition starts at its first instant: midnight, or the
        // jump when midnight is skipped; the instant before belongs to the day before.
        for (let t = x.at - DAY; t <= x.at + DAY; t += 6 * HOUR) {
          const start = startOfDay(t, zone)
          const next = startOfDay(t, zone, 1)
          expect(start <= t && t < next).toBe(true)
          const p = localParts(start, zone)
          const skipped = start === x.at && x.after > x.before
          expect(skipped || (p.hour === 0 && p.minute === 0)).toBe(true)
          expect(localParts(start - 1000, zone).day).not.toBe(p.day)
        }
      }
    })
  }

  test('zones without DST have one offset all along', () => {
    expect(transitions('Asia/Kolkata', FROM, TO)).toEqual([])
    expect(transitions('Asia/Kathmandu', FROM, TO)).toEqual([])
  })
})
