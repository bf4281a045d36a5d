import { describe, expect, test } from 'bun:test'
import { budgetWindow, formatBudgetWindow, localTimeToday, zonedToUtc } from './window.ts'

const win = (period: 'day' | 'week' | 'month', zone: string, now: string) => {
  const w = budgetWindow(period, zone, new Date(now))
  return [w.start.toISOString(), w.end.toISOString()]
}

describe('budgetWindow', () => {
  test('UTC day, week (Monday) and month', () => {
    expect(win('day', 'UTC', '2026-01-15T23:59:59.999Z')).toEqual([
      '2026-01-15T00:00:00.000Z',
      '2026-01-16T00:00:00.000Z',
    ])
    // 2026-11-23 is a Monday; Sunday 22nd belongs to the week before.
    expect(win('week', 'UTC', '2026-11-23T00:00:00Z')[0]).toBe('2026-11-23T00:00:00.000Z')
    expect(win('week', 'UTC', '2026-11-22T23:00:00Z')).toEqual([
      '2026-11-16T00:00:00.000Z',
      '2026-11-23T00:00:00.000Z',
    ])
    expect(win('month', 'UTC', '2026-12-31T12:00:00Z')).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ])
  })

  test('America/New_York across DST: 23 h and 25 h days', () => {
    expect(win('day', 'America/New_York', '2026-03-08T12:00:00Z')).toEqual([
      '2026-03-08T05:00:00.000Z',
      '2026-03-09T04:00:00.000Z',
    ])
    expect(win('day', 'America/New_York', '2026-11-01T12:00:00Z')).toEqual([
      '2026-11-01T04:00:00.000Z',
      '2026-11-02T05:00:00.000Z',
    ])
    // 03:30 UTC on 1 Nov is still 31 Oct in New York (23:30 EDT).
    expect(win('month', 'America/New_York', '2026-11-01T03:30:00Z')).toEqual([
      '2026-10-01T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
    ])
  })

  test('Europe/Berlin across DST: week and month bounds keep local midnight', () => {
    expect(win('week', 'Europe/Berlin', '2026-03-29T12:00:00Z')).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ])
    expect(win('month', 'Europe/Berlin', '2026-10-15T12:00:00Z')).toEqual([
      '2026-09-30T22:00:00.000Z',
      '2026-10-31T23:00:00.000Z',
    ])
    // Monday 00:30 local (Sunday 22:30 UTC) is in the new week already.
    expect(win('week', 'Europe/Berlin', '2026-03-29T22:30:00Z')[0]).toBe('2026-03-29T22:00:00.000Z')
  })

  test('half-hour zone and a midnight skipped by DST', () => {
    expect(win('day', 'Asia/Kolkata', '2026-01-15T20:00:00Z')).toEqual([
      '2026-01-15T18:30:00.000Z',
      '2026-01-16T18:30:00.000Z',
    ])
    // Chile skips 00:00-01:00 on 6 Sep 2026: the day starts at 01:00 local (04:00 UTC).
    expect(win('day', 'America/Santiago', '2026-09-06T12:00:00Z')).toEqual([
      '2026-09-06T04:00:00.000Z',
      '2026-09-07T03:00:00.000Z',
    ])
  })

  test('zonedToUtc picks the earlier instant of an ambiguous time', () => {
    // 01:30 happens twice in New York on 1 Nov 2026 (EDT then EST).
    const t = zonedToUtc('America/New_York', Date.UTC(2026, 10, 1, 1, 30))
    expect(new Date(t).toISOString()).toBe('2026-11-01T05:30:00.000Z')
  })

  test('localTimeToday and formatBudgetWindow', () => {
    const now = new Date('2026-07-01T12:00:00Z')
    expect(localTimeToday('Europe/Berlin', now, 9, 0).toISOString()).toBe(
      '2026-07-01T07:00:00.000Z',
    )
    const w = budgetWindow('day', 'Europe/Berlin', now)
    expect(formatBudgetWindow(w, 'Europe/Berlin')).toBe(
      'Wed 1 Jul 2026 00:00 → Thu 2 Jul 2026 00:00 (Europe/Berlin)',
    )
  })
})
