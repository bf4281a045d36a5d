// Budget windows: the current day / week (starting Monday) / month in an IANA time zone, as UTC
// instants. DST-correct through Intl (no tz database of our own): a local midnight is resolved
// against the offsets in force around it, and a midnight skipped by a DST jump resolves to the
// first instant of the local day.

import type { BudgetPeriod, BudgetWindow } from './types.ts'

const HOUR_MS = 3_600_000
const formats = new Map<string, Intl.DateTimeFormat>()

function formatFor(zone: string): Intl.DateTimeFormat {
  let f = formats.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(zone, f)
  }
  return f
}

/** The wall-clock time of instant `t` in `zone`, expressed as if it were a UTC timestamp. */
export function localWallMs(zone: string, t: number): number {
  const p: Record<string, number> = {}
  for (const part of formatFor(zone).formatToParts(new Date(t))) {
    if (part.type !== 'literal') p[part.type] = Number(part.value)
  }
  const year = p.year ?? 1970
  return Date.UTC(year, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0)
}

const offsetAt = (zone: string, t: number): number =>
  localWallMs(zone, t) - Math.floor(t / 1000) * 1000

/** The first UTC instant whose local time in `zone` is at or after the wall time `wall`
 *  (a UTC-encoded local time). Ambiguous times (fall back) resolve to the earlier instant. */
export function zonedToUtc(zone: string, wall: number): number {
  const candidates = [
    wall - offsetAt(zone, wall - 14 * HOUR_MS),
    wall - offsetAt(zone, wall + 14 * HOUR_MS),
  ]
  const exact = candidates.filter((t) => localWallMs(zone, t) === wall)
  if (exact.length > 0) return Math.min(...exact)
  // In a DST gap: binary search the transition (to the second) between the two candidates.
  let lo = Math.min(...candidates) - HOUR_MS
  let hi = Math.max(...candidates) + HOUR_MS
  while (hi - lo > 1000) {
    const mid = Math.floor((lo + hi) / 2000) * 1000
    if (localWallMs(zone, mid) >= wall) hi = mid
    else lo = mid
  }
  return hi
}

/** The window of `period` in `timezone` that contains `now`: [start, end). */
export function budgetWindow(period: BudgetPeriod, timezone: string, now: Date): BudgetWindow {
  const local = new Date(localWallMs(timezone, now.getTime()))
  const y = local.getUTCFullYear()
  const m = local.getUTCMonth()
  const d = local.getUTCDate()
  let from: number
  let to: number
  if (period === 'day') {
    from = Date.UTC(y, m, d)
    to = Date.UTC(y, m, d + 1)
  } else if (period === 'week') {
    const sinceMonday = (local.getUTCDay() + 6) % 7
    from = Date.UTC(y, m, d - sinceMonday)
    to = Date.UTC(y, m, d - sinceMonday + 7)
  } else {
    from = Date.UTC(y, m, 1)
    to = Date.UTC(y, m + 1, 1)
  }
  return { start: new Date(zonedToUtc(timezone, from)), end: new Date(zonedToUtc(timezone, to)) }
}

/** Today's instant of local time `hh:mm` in `timezone` (the day containing `now`). */
export function localTimeToday(timezone: string, now: Date, hour: number, minute: number): Date {
  const local = new Date(localWallMs(timezone, now.getTime()))
  const wall = Date.UTC(
    local.getUTCFullYear(),
    local.getUTCMonth(),
    local.getUTCDate(),
    hour,
    minute,
  )
  return new Date(zonedToUtc(timezone, wall))
}

/** `Mon 23 Nov 2026 00:00` in the zone. */
export function formatLocal(t: Date, timezone: string): string {
  const p: Record<string, string> = {}
  const f = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hourCycle: 'h23',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
  for (const part of f.formatToParts(t)) p[part.type] = part.value
  return `${p.weekday} ${p.day} ${p.month} ${p.year} ${p.hour}:${p.minute}`
}

/** `Mon 23 Nov 2026 00:00 → Tue 24 Nov 2026 00:00 (Europe/Berlin)`. */
export function formatBudgetWindow(window: BudgetWindow, timezone: string): string {
  return `${formatLocal(window.start, timezone)} → ${formatLocal(window.end, timezone)} (${timezone})`
}
