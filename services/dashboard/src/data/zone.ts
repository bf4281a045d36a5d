// Wall-clock arithmetic in IANA time zones with Intl only (no tz library): validating a zone,
// converting a local date-time to an instant, and local midnights (day starts) for ranges and
// day buckets. Handles DST gaps and overlaps the way Temporal's "compatible" mode does.

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formatters.set(tz, f)
  }
  return f
}

/** True for a zone name Intl knows (IANA names and UTC). */
export function isValidZone(tz: string): boolean {
  if (tz === '' || tz.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(tz)) return false
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

/** The wall-clock fields of `ms` in `tz`. */
export function localParts(ms: number, tz: string): LocalParts {
  const out: Record<string, number> = {}
  for (const p of formatter(tz).formatToParts(new Date(ms))) {
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

/** Offset of `tz` from UTC at instant `ms`, in ms (east positive). */
export function zoneOffset(ms: number, tz: string): number {
  const p = localParts(ms, tz)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000))
}

/** The instant when the wall clock in `tz` reads the given fields (month 1-12; out-of-range
 *  fields roll over as in Date.UTC). In a DST gap, the time after the gap; in an overlap, the
 *  earlier instant. */
export function zonedToUtc(
  tz: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  // Two candidate offsets: the ones in force a day before and after the wall time.
  const before = zoneOffset(wall - 86_400_000, tz)
  const after = zoneOffset(wall + 86_400_000, tz)
  const candidates = [wall - before, wall - after].filter((t) => zoneOffset(t, tz) === wall - t)
  if (candidates.length > 0) return Math.min(...candidates)
  // In a gap: shift forward by the gap's size.
  return wall - before
}

/** Start (local midnight) of the day containing `ms` in `tz`, plus `addDays` days. */
export function startOfDay(ms: number, tz: string, addDays = 0): number {
  const p = localParts(ms, tz)
  return zonedToUtc(tz, p.year, p.month, p.day + addDays)
}

/** Local midnights in (from, to): the day boundaries a range crosses. */
export function dayStartsBetween(from: number, to: number, tz: string): number[] {
  const out: number[] = []
  for (let d = startOfDay(from, tz, 1); d < to; d = startOfDay(d, tz, 1)) out.push(d)
  return out
}
