// budgetWindow composes @tokentap/shared/time's calendar (tested there, DST included); these
// cases pin the budget surface: a window per period, the digest time, the Slack wording.

import { describe, expect, test } from 'bun:test'
import { startOf } from '../time/calendar.ts'
import { budgetWindow, formatBudgetWindow, localTimeToday } from './window.ts'

describe('budgetWindow', () => {
  test('each period is [start, next start) of the local calendar unit', () => {
    const now = new Date('2026-03-29T12:00:00Z')
    for (const period of ['day', 'week', 'month'] as const) {
      const w = budgetWindow(period, 'Europe/Berlin', now)
      expect([w.start.getTime(), w.end.getTime()]).toEqual([
        startOf(period, now.getTime(), 'Europe/Berlin'),
        startOf(period, now.getTime(), 'Europe/Berlin', 1),
      ])
    }
    const week = budgetWindow('week', 'Europe/Berlin', now)
    expect([week.start.toISOString(), week.end.toISOString()]).toEqual([
      '2026-03-22T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ])
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
