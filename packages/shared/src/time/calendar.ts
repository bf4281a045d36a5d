// Local calendar boundaries in a zone, as UTC instants (ms): the start of the day, the week
// (starting Monday) and the month containing an instant, the day starts a range crosses, and a
// time of day on the local day. Budget windows and the dashboard's ranges and day buckets are all
// made of these, under zone.ts's one DST policy (a skipped midnight starts the day at the jump).

import { localWall, zonedToUtc } from './zone.ts'

export type CalendarUnit = 'day' | 'week' | 'month'

/** Start of the local day / week (Monday) / month containing `ms` in `zone`, moved on by
 *  `add` units (negative: back). 23- and 25-hour days keep their local midnights. */
export function startOf(unit: CalendarUnit, ms: number, zone: string, add = 0): number {
  const local = new Date(localWall(ms, zone))
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth()
  const d = local.getUTCDate()
  if (unit === 'day') return zonedToUtc(Date.UTC(y, m, d + add), zone)
  if (unit === 'week') {
    const sinceMonday = (local.getUTCDay() + 6) % 7
    return zonedToUtc(Date.UTC(y, m, d - sinceMonday + 7 * add), zone)
  }
  return zonedToUtc(Date.UTC(y, m + add, 1), zone)
}

/** Start (local midnight) of the day containing `ms` in `zone`, plus `addDays` days. */
export const startOfDay = (ms: number, zone: string, addDays = 0): number =>
  startOf('day', ms, zone, addDays)

/** Local day starts in (from, to): the day boundaries a range crosses. */
export function dayStartsBetween(from: number, to: number, zone: string): number[] {
  const out: number[] = []
  for (let d = startOfDay(from, zone, 1); d < to; d = startOfDay(d, zone, 1)) out.push(d)
  return out
}

/** The instant of local time `hour:minute` on the local day containing `ms` in `zone`. */
export function timeOnDay(ms: number, zone: string, hour: number, minute: number): number {
  const local = new Date(localWall(ms, zone))
  const y = local.getUTCFullYear()
  return zonedToUtc(Date.UTC(y, local.getUTCMonth(), local.getUTCDate(), hour, minute), zone)
}
