// The time-zone engine, with Intl only (no tz database of our own): validating a zone name, the
// one cache of Intl formatters, an instant's local wall-clock fields, and local wall time → UTC
// instant. Dashboard ranges and day buckets, budget windows, digest times and displayed times
// all go through here, so the dashboard and the alerts agree to the second.
//
// A "wall time" is a local date-time written as if it were UTC (Date.UTC(y, m - 1, d, h, mi, s)).
//
// DST policy, one for every caller: a wall time resolves to the earliest instant at which the
// local clock reads it or later.
// - Overlap (fall back; the time happens twice): the earlier instant.
// - Gap (spring forward; the time is skipped): the instant of the jump, the first instant after
//   it. 02:30 on a 02:00 → 03:00 night is 03:00; a skipped midnight starts the day at 01:00.
// For midnights this is Temporal's ZonedDateTime.startOfDay(). Temporal's "compatible"
// disambiguation agrees on overlaps and on gaps that start at midnight, but moves any other time
// in a gap on by the gap's length (02:30 → 03:30); that reorders times (02:30 would come after
// 03:15), while with this rule a local range [a, b) is exactly the instants whose local time
// lies in it.

const DAY_MS = 86_400_000

type Style = 'parts' | 'label'

const formatters = new Map<string, Intl.DateTimeFormat>()

const OPTIONS: Record<Style, [locale: string, options: Intl.DateTimeFormatOptions]> = {
  parts: [
    'en-US',
    {
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    },
  ],
  // `Mon 23 Nov 2026 00:00` (formatLocal): Intl's English names, as Slack messages have shown.
  label: [
    'en-GB',
    {
      hourCycle: 'h23',
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
    },
  ],
}

/** The cached Intl formatter of `style` for `zone` (throws RangeError for an unknown zone). */
export function zoneFormatter(zone: string, style: Style = 'parts'): Intl.DateTimeFormat {
  const key = `${style} ${zone}`
  let f = formatters.get(key)
  if (!f) {
    const [locale, options] = OPTIONS[style]
    f = new Intl.DateTimeFormat(locale, { ...options, timeZone: zone })
    formatters.set(key, f)
  }
  return f
}

/** True for a zone name Intl knows (IANA names and UTC) of a sane shape: a query string or a
 *  config file cannot smuggle anything else into a formatter or a URL. */
export function isValidZone(zone: string): boolean {
  if (zone === '' || zone.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return false
  try {
    zoneFormatter(zone)
    return true
  } catch {
    return false
  }
}

export interface LocalParts {
  year: number
  /** 1-12 */
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The wall-clock fields of instant `ms` in `zone` (to the second). */
export function localParts(ms: number, zone: string): LocalParts {
  const out: Record<string, number> = {}
  for (const p of zoneFormatter(zone).formatToParts(new Date(ms))) {
    if (p.type !== 'literal') out[p.type] = Number(p.value)
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  }
}

/** The wall time of instant `ms` in `zone` (to the second). */
export function localWall(ms: number, zone: string): number {
  const p = localParts(ms, zone)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
}

const floorSecond = (ms: number): number => Math.floor(ms / 1000) * 1000

/** Offset of `zone` from UTC at instant `ms`, in ms (east positive). */
export function zoneOffset(ms: number, zone: string): number {
  return localWall(ms, zone) - floorSecond(ms)
}

/** The instant at which the clock in `zone` reads `wall` (see the DST policy above). */
export function zonedToUtc(wall: number, zone: string): number {
  // The instants `wall` names under the offsets in force a day before and a day after it.
  const a = wall - zoneOffset(wall - DAY_MS, zone)
  const b = wall - zoneOffset(wall + DAY_MS, zone)
  const earlier = Math.min(a, b)
  const later = Math.max(a, b)
  if (zoneOffset(earlier, zone) === wall - earlier) return earlier
  if (later !== earlier && zoneOffset(later, zone) === wall - later) return later
  // In a gap: the jump lies between the two, where the clock passes `wall`.
  const readsWall = (t: number): boolean => localWall(t, zone) >= wall
  let lo = floorSecond(earlier)
  let hi = floorSecond(later) + 1000
  if (readsWall(lo) || !readsWall(hi)) {
    // More than one transition near `wall`: search the whole span the answer can lie in.
    lo = floorSecond(wall - DAY_MS)
    hi = floorSecond(wall + DAY_MS)
  }
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000
    if (readsWall(mid)) hi = mid
    else lo = mid
  }
  return hi
}
