import { describe, expect, test } from 'bun:test'
import { isValidZone, localParts, localWall, zonedToUtc, zoneOffset } from './zone.ts'

const iso = (ms: number): string => new Date(ms).toISOString()
/** The instant the clock in `zone` reads y-mo-d h:mi (month 1-12). */
const at = (zone: string, y: number, mo: number, d: number, h = 0, mi = 0): string =>
  iso(zonedToUtc(Date.UTC(y, mo - 1, d, h, mi), zone))

describe('isValidZone', () => {
  test('IANA names and UTC; nothing else', () => {
    expect(isValidZone('Europe/Berlin')).toBe(true)
    expect(isValidZone('UTC')).toBe(true)
    expect(isValidZone('Etc/GMT+5')).toBe(true)
    expect(isValidZone('America/Port-au-Prince')).toBe(true)
    expect(isValidZone('Mars/Olympus')).toBe(false)
    expect(isValidZone('')).toBe(false)
    expect(isValidZone('Europe/Berlin; drop table')).toBe(false)
    expect(isValidZone(`Europe/${'x'.repeat(60)}`)).toBe(false)
  })
})

describe('localParts, localWall, zoneOffset', () => {
  test('wall-clock fields to the second, offsets east positive', () => {
    const t = Date.parse('2026-01-15T23:30:05.750Z')
    expect(localParts(t, 'Asia/Kolkata')).toEqual({
      year: 2026,
      month: 1,
      day: 16,
      hour: 5,
      minute: 0,
      second: 5,
    })
    expect(iso(localWall(t, 'America/Los_Angeles'))).toBe('2026-01-15T15:30:05.000Z')
    expect(zoneOffset(t, 'Asia/Kathmandu')).toBe((5 * 60 + 45) * 60_000)
    expect(zoneOffset(t, 'America/St_Johns')).toBe(-(3 * 60 + 30) * 60_000)
    expect(zoneOffset(t, 'UTC')).toBe(0)
  })
})

describe('zonedToUtc', () => {
  test('local wall time → instant, across offsets', () => {
    expect(at('Asia/Kolkata', 2026, 1, 15)).toBe('2026-01-14T18:30:00.000Z')
    expect(at('America/New_York', 2026, 7, 1, 12)).toBe('2026-07-01T16:00:00.000Z')
    expect(at('Pacific/Chatham', 2026, 1, 15)).toBe('2026-01-14T10:15:00.000Z')
    // Fields roll over as in Date.UTC: 32 January is 1 February.
    expect(at('Europe/Berlin', 2026, 1, 32)).toBe('2026-01-31T23:00:00.000Z')
  })

  test('milliseconds are kept', () => {
    const wall = Date.UTC(2026, 6, 1, 12, 0, 0, 250)
    expect(iso(zonedToUtc(wall, 'Europe/Berlin'))).toBe('2026-07-01T10:00:00.250Z')
  })

  test('overlap (fall back): the earlier instant', () => {
    // 01:30 happens twice in New York on 1 Nov 2026 (EDT, then EST).
    expect(at('America/New_York', 2026, 11, 1, 1, 30)).toBe('2026-11-01T05:30:00.000Z')
    // 02:30 twice in Berlin on 25 Oct 2026 (CEST, then CET).
    expect(at('Europe/Berlin', 2026, 10, 25, 2, 30)).toBe('2026-10-25T00:30:00.000Z')
    // Lord Howe falls back half an hour: 01:45 twice on 5 Apr 2026 (+11, then +10:30).
    expect(at('Australia/Lord_Howe', 2026, 4, 5, 1, 45)).toBe('2026-04-04T14:45:00.000Z')
  })

  test('gap (spring forward): the instant of the jump', () => {
    // 02:30 does not exist on 8 Mar 2026 in New York: 02:00 EST jumps to 03:00 EDT (07:00 UTC).
    // (Temporal's "compatible" would give 03:30 EDT, after 03:15, which does exist.)
    expect(at('America/New_York', 2026, 3, 8, 2, 30)).toBe('2026-03-08T07:00:00.000Z')
    expect(at('America/New_York', 2026, 3, 8, 3, 15)).toBe('2026-03-08T07:15:00.000Z')
    // Chile skips 00:00-01:00 on 6 Sep 2026: midnight is 01:00 local (04:00 UTC).
    expect(at('America/Santiago', 2026, 9, 6)).toBe('2026-09-06T04:00:00.000Z')
    // Adelaide (+9:30 → +10:30) skips 02:00-03:00 on 4 Oct 2026.
    expect(at('Australia/Adelaide', 2026, 10, 4, 2, 15)).toBe('2026-10-03T16:30:00.000Z')
    // Samoa skipped all of 30 Dec 2011: that day's midnight is the next day's.
    expect(at('Pacific/Apia', 2011, 12, 30)).toBe('2011-12-30T10:00:00.000Z')
    expect(at('Pacific/Apia', 2011, 12, 31)).toBe('2011-12-30T10:00:00.000Z')
  })
})
