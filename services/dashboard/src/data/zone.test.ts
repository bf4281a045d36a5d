import { describe, expect, test } from 'bun:test'
import { dayStartsBetween, isValidZone, startOfDay, zonedToUtc } from './zone.ts'

describe('zone', () => {
  test('validates IANA names', () => {
    expect(isValidZone('Europe/Berlin')).toBe(true)
    expect(isValidZone('UTC')).toBe(true)
    expect(isValidZone('Mars/Olympus')).toBe(false)
    expect(isValidZone('')).toBe(false)
    expect(isValidZone('Europe/Berlin; drop table')).toBe(false)
  })
  test('local wall time → instant, across offsets and DST', () => {
    expect(new Date(zonedToUtc('Asia/Kolkata', 2026, 1, 15, 0)).toISOString()).toBe(
      '2026-01-14T18:30:00.000Z',
    )
    expect(new Date(zonedToUtc('America/New_York', 2026, 7, 1, 12)).toISOString()).toBe(
      '2026-07-01T16:00:00.000Z',
    )
    // 02:30 does not exist on 2026-03-08 in New York: the time after the gap.
    expect(new Date(zonedToUtc('America/New_York', 2026, 3, 8, 2, 30)).toISOString()).toBe(
      '2026-03-08T07:30:00.000Z',
    )
    // 01:30 happens twice on 2026-11-01: the earlier one.
    expect(new Date(zonedToUtc('America/New_York', 2026, 11, 1, 1, 30)).toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    )
  })
  test('day starts follow the zone, including 23- and 25-hour days', () => {
    const t = Date.parse('2026-03-08T12:00:00Z')
    expect(new Date(startOfDay(t, 'America/New_York')).toISOString()).toBe(
      '2026-03-08T05:00:00.000Z',
    )
    expect(new Date(startOfDay(t, 'America/New_York', 1)).toISOString()).toBe(
      '2026-03-09T04:00:00.000Z',
    )
    const days = dayStartsBetween(
      Date.parse('2026-10-31T00:00:00Z'),
      Date.parse('2026-11-03T00:00:00Z'),
      'America/New_York',
    )
    expect(days.map((d) => new Date(d).toISOString())).toEqual([
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ])
  })
})
