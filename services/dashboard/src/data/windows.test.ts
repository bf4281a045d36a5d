// The dashboard's ranges and day buckets and the alerts' budget windows agree to the second: for
// the same zone and instant, "today", the 7-day preset and the date inputs the filter bar writes
// for a budget window give exactly that window, and its day buckets are the budget's days. Sampled
// every 11 hours through the 2026 DST months of both hemispheres, in whole-, half- and
// 45-minute-offset zones.

import { describe, expect, test } from 'bun:test'
import { budgetWindow } from '@tokentap/shared/budgets'
import { formatDate } from '../views/format.ts'
import { bucketStarts } from './aggregate.ts'
import { parseFilters } from './filters.ts'

const ZONES = [
  'America/New_York',
  'Europe/Berlin',
  'America/St_Johns',
  'America/Santiago',
  'Australia/Adelaide',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Asia/Kolkata',
]
const HOUR = 3_600_000
const MONTHS = [2, 3, 8, 9, 10] // March, April, September, October, November

function* instants(): Generator<Date> {
  for (const m of MONTHS) {
    for (let t = Date.UTC(2026, m, 1); t < Date.UTC(2026, m + 1, 1); t += 11 * HOUR) {
      yield new Date(t)
    }
  }
}

const span = (w: { start: Date; end: Date }) => [w.start.getTime(), w.end.getTime()]

/** The budget's day starts in [from, to), one budget day window after another. */
function budgetDays(zone: string, from: Date, to: Date): number[] {
  const out: number[] = []
  for (let d = from; d < to; d = budgetWindow('day', zone, d).end) out.push(d.getTime())
  return out
}

describe('dashboard ranges = budget windows', () => {
  for (const zone of ZONES) {
    test(zone, () => {
      const dayLengths = new Set<number>()
      const checked = new Set<string>()
      for (const now of instants()) {
        const day = budgetWindow('day', zone, now)
        dayLengths.add((day.end.getTime() - day.start.getTime()) / HOUR)
        const today = parseFilters({ range: 'today', tz: zone }, { now })
        expect(span({ start: today.from, end: today.to })).toEqual(span(day))
        for (const period of ['day', 'week', 'month'] as const) {
          const w = budgetWindow(period, zone, now)
          const key = `${period} ${w.start.toISOString()}`
          if (checked.has(key)) continue
          checked.add(key)
          // What the filter bar's From / To (incl.) date inputs hold for this window.
          const from = formatDate(w.start, zone)
          const to = formatDate(new Date(w.end.getTime() - 1), zone)
          const f = parseFilters({ from, to, tz: zone }, { now })
          expect({ zone, now, period, range: span({ start: f.from, end: f.to }) }).toEqual({
            zone,
            now,
            period,
            range: span(w),
          })
          expect(bucketStarts(f, 'day')).toEqual(budgetDays(zone, w.start, w.end))
          if (period === 'day') {
            // The 7-day preset ends with this budget day and starts six budget days earlier.
            const last7 = parseFilters({ range: '7d' }, { now, cookieTz: zone })
            let start = w.start
            for (let i = 0; i < 6; i++)
              start = budgetWindow('day', zone, new Date(+start - 1)).start
            expect(span({ start: last7.from, end: last7.to })).toEqual(span({ start, end: w.end }))
          }
        }
      }
      // The sample crossed the zone's DST changes (Kolkata has none).
      expect(dayLengths.size > 1).toBe(zone !== 'Asia/Kolkata')
    })
  }
})
