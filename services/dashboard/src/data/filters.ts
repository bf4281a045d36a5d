// URL query ⇄ Filters. Every page, API route and live stream reads its filters from the query
// string (and the `tz` cookie) through readFilters, so a URL is a shareable view. parseFilters
// validates (FilterError: pages answer a 400 page, the API a JSON 400); filtersToQuery writes only
// the keys that differ from the defaults, so links stay short and parse back to the same Filters.
//
// range: today | 7d | 30d (calendar days in the viewer's zone, ending at tomorrow's midnight) |
// custom (from/to: ISO instants, or `YYYY-MM-DDTHH:MM[:SS]` / `YYYY-MM-DD` local to tz; a
// date-only `to` means the end of that day). Local times and days resolve through
// @tokentap/shared/time, as budget windows do. A dimension value of NONE ('(none)') selects rows
// where the field is empty; in Filters that is ''. `session` (event log only) selects one
// session's requests.

import { OUTCOMES, type Outcome } from '@tokentap/shared'
import { DIMENSIONS, type Filters, type RangePreset } from '@tokentap/shared/api'
import { isValidZone, startOfDay, zonedToUtc } from '@tokentap/shared/time'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'

export class FilterError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FilterError'
  }
}

export const DEFAULT_RANGE: RangePreset = '7d'
export const RANGES: readonly RangePreset[] = ['today', '7d', '30d', 'custom']
/** Query value standing for "field is empty" (rendered "(none)"); '' inside Filters. */
export const NONE = '(none)'
/** Longest session id accepted (recorded ones have at most 128 characters). */
export const MAX_SESSION_CHARS = 200
/** Longest custom range accepted (keeps hourly series and scans bounded). */
export const MAX_RANGE_DAYS = 400

const PRESET_DAYS: Record<Exclude<RangePreset, 'custom'>, number> = { today: 1, '7d': 7, '30d': 30 }
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i
const LOCAL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?$/

export interface ParseOptions {
  now: Date
  /** The `tz` cookie the pages set from the browser's zone. */
  cookieTz?: string | undefined
}

function parseTime(raw: string, tz: string, name: string, endOfDay: boolean): Date {
  const v = raw.trim()
  if (INSTANT.test(v)) {
    const ms = Date.parse(v)
    if (Number.isFinite(ms)) return new Date(ms)
  }
  const m = LOCAL.exec(v)
  if (m) {
    const [y, mo, d, h, mi, s] = m.slice(1).map((x) => (x === undefined ? undefined : Number(x)))
    const valid = mo! >= 1 && mo! <= 12 && d! >= 1 && d! <= 31 && (h ?? 0) <= 23 && (mi ?? 0) <= 59
    if (valid && (s ?? 0) <= 59) {
      const day = d! + (h === undefined && endOfDay ? 1 : 0)
      return new Date(zonedToUtc(Date.UTC(y!, mo! - 1, day, h ?? 0, mi ?? 0, s ?? 0), tz))
    }
  }
  throw new FilterError(
    `${name}: expected an ISO 8601 time (2026-01-15T10:00:00Z) or a local date-time (2026-01-15T10:00), got "${raw.slice(0, 40)}"`,
  )
}

function dimension(q: Record<string, string | undefined>, key: string): string | undefined {
  const v = q[key]?.trim()
  if (v === undefined || v === '') return undefined
  if (v.length > 200) throw new FilterError(`${key}: too long`)
  return v === NONE ? '' : v
}

export function parseFilters(
  query: Record<string, string | undefined>,
  opts: ParseOptions,
): Filters {
  const tzRaw = query.tz?.trim() || opts.cookieTz?.trim() || 'UTC'
  if (!isValidZone(tzRaw)) {
    // A bad cookie must not lock the viewer out: only an explicit ?tz= is an error.
    if (query.tz?.trim()) throw new FilterError(`tz: unknown time zone "${tzRaw.slice(0, 64)}"`)
  }
  const timezone = isValidZone(tzRaw) ? tzRaw : 'UTC'
  const rangeRaw = query.range?.trim() || (query.from || query.to ? 'custom' : DEFAULT_RANGE)
  if (!RANGES.includes(rangeRaw as RangePreset)) {
    throw new FilterError(`range: expected one of ${RANGES.join(', ')}, got "${rangeRaw}"`)
  }
  const range = rangeRaw as RangePreset
  let from: Date
  let to: Date
  const now = opts.now.getTime()
  if (range === 'custom') {
    if (!query.from || !query.to) throw new FilterError('range=custom needs both from and to')
    from = parseTime(query.from, timezone, 'from', false)
    to = parseTime(query.to, timezone, 'to', true)
    if (from.getTime() >= to.getTime()) throw new FilterError('from must be before to')
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) {
      throw new FilterError(`range: at most ${MAX_RANGE_DAYS} days`)
    }
  } else {
    to = new Date(startOfDay(now, timezone, 1))
    from = new Date(startOfDay(now, timezone, 1 - PRESET_DAYS[range]))
  }
  const f: Filters = { range, from, to, timezone }
  for (const d of DIMENSIONS) {
    const v = dimension(query, d)
    if (v !== undefined) f[d] = v
  }
  const outcome = query.outcome?.trim()
  if (outcome) {
    if (!OUTCOMES.includes(outcome as Outcome)) {
      throw new FilterError(`outcome: expected one of ${OUTCOMES.join(', ')}`)
    }
    f.outcome = outcome as Outcome
  }
  const stream = query.stream?.trim()
  if (stream) {
    if (stream !== 'true' && stream !== 'false')
      throw new FilterError('stream: expected true or false')
    f.stream = stream === 'true'
  }
  const session = query.session?.trim()
  if (session) {
    if (session.length > MAX_SESSION_CHARS) throw new FilterError('session: too long')
    f.session = session
  }
  return f
}

/** The request's Filters: its query string, and the `tz` cookie the pages set. Throws
 *  FilterError; callers answer it their way (pages/shared.tsx: a 400 page, app.ts: JSON). */
export function readFilters(c: Context, now: Date): Filters {
  const tz = getCookie(c, 'tz')
  return parseFilters(c.req.query(), { now, ...(tz !== undefined ? { cookieTz: tz } : {}) })
}

/** ISO instant without a zero millisecond part (shorter URLs; parses back exactly). */
function instant(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z')
}

/** The query string for f: only non-default keys. `tz` is kept unless UTC: the server cannot
 *  know whether the reader of a shared link has the same cookie. */
export function filtersToQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams()
  if (f.range === 'custom') {
    q.set('from', instant(f.from))
    q.set('to', instant(f.to))
  } else if (f.range !== DEFAULT_RANGE) {
    q.set('range', f.range)
  }
  if (f.timezone !== 'UTC') q.set('tz', f.timezone)
  for (const d of DIMENSIONS) {
    const v = f[d]
    if (v !== undefined) q.set(d, v === '' ? NONE : v)
  }
  if (f.outcome !== undefined) q.set('outcome', f.outcome)
  if (f.stream !== undefined) q.set('stream', String(f.stream))
  if (f.session !== undefined) q.set('session', f.session)
  return q
}
