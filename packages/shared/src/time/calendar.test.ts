import { describe, expect, test } from 'bun:test'
import { type CalendarUnit, dayStartsBetween, startOf, startOfDay, timeOnDay } from './calendar.ts'

const iso = (ms: number): string => new Date(ms).toISOString()

/** UTC instant from `2026-03-08 05:00` (or a full ISO string). */
const utc = (s: string): number => Date.parse(s.includes('T') ? s : `${s.replace(' ', 'T')}:00Z`)

/** [unit, zone, now, start, end] in UTC: the local unit containing `now` is [start, end). */
const SPANS: Array<[CalendarUnit, string, string, string, string]> = [
  // UTC day, week (Monday) and month.
  ['day', 'UTC', '2026-01-15T23:59:59.999Z', '2026-01-15 00:00', '2026-01-16 00:00'],
  ['week', 'UTC', '2026-11-23 00:00', '2026-11-23 00:00', '2026-11-30 00:00'],
  // 2026-11-23 is a Monday; Sunday 22nd belongs to the week before.
  ['week', 'UTC', '2026-11-22 23:00', '2026-11-16 00:00', '2026-11-23 00:00'],
  ['month', 'UTC', '2026-12-31 12:00', '2026-12-01 00:00', '2027-01-01 00:00'],
  // New York across DST: a 23-hour and a 25-hour day.
  ['day', 'America/New_York', '2026-03-08 12:00', '2026-03-08 05:00', '2026-03-09 04:00'],
  ['day', 'America/New_York', '2026-11-01 12:00', '2026-11-01 04:00', '2026-11-02 05:00'],
  // 03:30 UTC on 1 Nov is still 31 Oct in New York (23:30 EDT).
  ['month', 'America/New_York', '2026-11-01 03:30', '2026-10-01 04:00', '2026-11-01 04:00'],
  // Berlin across DST: week and month bounds keep local midnight.
  ['week', 'Europe/Berlin', '2026-03-29 12:00', '2026-03-22 23:00', '2026-03-29 22:00'],
  ['month', 'Europe/Berlin', '2026-10-15 12:00', '2026-09-30 22:00', '2026-10-31 23:00'],
  // Monday 00:30 local (Sunday 22:30 UTC) is in the new week already.
  ['week', 'Europe/Berlin', '2026-03-29 22:30', '2026-03-29 22:00', '2026-04-05 22:00'],
  // Half-hour zone.
  ['day', 'Asia/Kolkata', '2026-01-15 20:00', '2026-01-15 18:30', '2026-01-16 18:30'],
  // Chile skips 00:00-01:00 on 6 Sep 2026: the day starts at 01:00 local (04:00 UTC).
  ['day', 'America/Santiago', '2026-09-06 12:00', '2026-09-06 04:00', '2026-09-07 03:00'],
  // Adelaide goes from +10:30 to +9:30 on 5 Apr 2026: a 25-hour day.
  ['day', 'Australia/Adelaide', '2026-04-05 06:00', '2026-04-04 13:30', '2026-04-05 14:30'],
  // Samoa's 29 Dec 2011 ended at the jump to 31 Dec (30 Dec was skipped).
  ['day', 'Pacific/Apia', '2011-12-29 12:00', '2011-12-29 10:00', '2011-12-30 10:00'],
]

describe('startOf', () => {
  test.each(SPANS)('%s in %s at %s', (unit, zone, now, start, end) => {
    const t = utc(now)
    expect([iso(startOf(unit, t, zone)), iso(startOf(unit, t, zone, 1))]).toEqual([
      iso(utc(start)),
      iso(utc(end)),
    ])
  })

  test('moving back and on: negative and positive steps', () => {
    const t = Date.parse('2026-03-10T12:00:00Z')
    expect(iso(startOf('day', t, 'America/New_York', -3))).toBe('2026-03-07T05:00:00.000Z')
    expect(iso(startOf('week', t, 'America/New_York', -1))).toBe('2026-03-02T05:00:00.000Z')
    expect(iso(startOf('month', t, 'America/New_York', 10))).toBe('2027-01-01T05:00:00.000Z')
  })
})

describe('startOfDay and dayStartsBetween', () => {
  test('day starts follow the zone, including 23- and 25-hour days', () => {
    const t = Date.parse('2026-03-08T12:00:00Z')
    expect(iso(startOfDay(t, 'America/New_York'))).toBe('2026-03-08T05:00:00.000Z')
    expect(iso(startOfDay(t, 'America/New_York', 1))).toBe('2026-03-09T04:00:00.000Z')
    const days = dayStartsBetween(
      Date.parse('2026-10-31T00:00:00Z'),
      Date.parse('2026-11-03T00:00:00Z'),
      'America/New_York',
    )
    expect(days.map(iso)).toEqual([
      '2026-10-31T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ])
  })
})

describe('timeOnDay', () => {
  test('a local time on the local day, DST included', () => {
    const now = Date.parse('2026-07-01T12:00:00Z')
    expect(iso(timeOnDay(now, 'Europe/Berlin', 9, 0))).toBe('2026-07-01T07:00:00.000Z')
    // 23:30 UTC on 30 Jun is already 1 Jul in Berlin.
    expect(iso(timeOnDay(now - 12.5 * 3_600_000, 'Europe/Berlin', 9, 0))).toBe(
      '2026-07-01T07:00:00.000Z',
    )
    // 02:30 is skipped in New York on 8 Mar 2026: the clock reaches it at the jump.
    const springForward = Date.parse('2026-03-08T15:00:00Z')
    expect(iso(timeOnDay(springForward, 'America/New_York', 2, 30))).toBe(
      '2026-03-08T07:00:00.000Z',
    )
  })
})
