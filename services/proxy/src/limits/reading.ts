// A limits reading: what one response (or one WebSocket event) said about its account's
// rate-limit and subscription windows (issue 16, part 2), and the strict number and time
// readers the header parsers share. Pure.

import type { LimitUnit, LimitWindow, LimitWindows } from '@tokentap/shared/accounts'

export interface LimitReading {
  /** When the response carrying it arrived (epoch ms): newer readings win. */
  observedAt: number
  windows: LimitWindows
  /** The provider's overall standing (Claude: allowed | allowed_warning | rejected). */
  status: string | null
  /** Rate-limit errors seen that no HTTP status shows (WebSocket error events). */
  rateLimited: number
}

/** At most this many windows per reading (a hostile upstream cannot grow a row without bound). */
export const MAX_WINDOWS = 16
/** Longest header value read as a number or a word. */
const MAX_VALUE = 64
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
const WORD = /^[a-z0-9_][a-z0-9_.-]*$/i

/** A finite number, or null (empty, too long, not a number). */
export function num(v: string | number | undefined | null): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (v === undefined || v === null) return null
  const t = v.trim()
  if (t.length === 0 || t.length > MAX_VALUE || !NUMBER.test(t)) return null
  const n = Number(t)
  return Number.isFinite(n) ? n : null
}

/** A short status word (allowed, rejected …), lower-cased, or null. */
export function word(v: string | undefined | null): string | null {
  if (v === undefined || v === null) return null
  const t = v.trim()
  return t.length > 0 && t.length <= MAX_VALUE && WORD.test(t) ? t.toLowerCase() : null
}

/** Unix seconds → ISO, for plausible instants only (years 2000–2200). */
export function unixSeconds(v: string | number | undefined | null): string | null {
  const n = num(v)
  if (n === null || n < 946_684_800 || n > 7_258_118_400) return null
  return new Date(Math.round(n) * 1000).toISOString()
}

/** An RFC 3339 date-time → ISO, or null. */
export function rfc3339(v: string | undefined | null): string | null {
  if (v === undefined || v === null) return null
  const t = v.trim()
  if (!/^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(t))
    return null
  const ms = Date.parse(t.replace(' ', 'T'))
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null
}

/** A Go-style duration as OpenAI sends resets ("6m0s", "1s", "20ms", "1h2m3.5s") → ms. */
export function duration(v: string | undefined | null): number | null {
  if (v === undefined || v === null) return null
  const t = v.trim()
  if (t.length === 0 || t.length > MAX_VALUE || !/^(\d+(\.\d+)?(h|ms|m|s))+$/.test(t)) return null
  let ms = 0
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) {
    const n = Number(m[1])
    ms += m[2] === 'h' ? n * 3_600_000 : m[2] === 'm' ? n * 60_000 : m[2] === 's' ? n * 1000 : n
  }
  return Number.isFinite(ms) ? Math.round(ms) : null
}

/** A window from what a provider stated; `used` from limit and remaining when not given. */
export function window(
  unit: LimitUnit,
  observedAt: number,
  w: Partial<Omit<LimitWindow, 'unit' | 'observedAt'>>,
): LimitWindow {
  const limit = w.limit ?? null
  const remaining = w.remaining ?? null
  let used = w.used ?? null
  if (used === null && limit !== null && remaining !== null && limit > 0) {
    used = Math.min(1, Math.max(0, 1 - remaining / limit))
  }
  return {
    used,
    limit,
    remaining,
    resetAt: w.resetAt ?? null,
    minutes: w.minutes ?? null,
    status: w.status ?? null,
    unit,
    observedAt: new Date(observedAt).toISOString(),
  }
}

/** `b` read after `a`: its windows replace a's of the same name, its status a's. */
export function mergeReadings(a: LimitReading | null, b: LimitReading | null): LimitReading | null {
  if (a === null) return b
  if (b === null) return a
  const [older, newer] = a.observedAt <= b.observedAt ? [a, b] : [b, a]
  const windows: LimitWindows = { ...older.windows }
  for (const [name, w] of Object.entries(newer.windows)) {
    if (name in windows || Object.keys(windows).length < MAX_WINDOWS) windows[name] = w
  }
  return {
    observedAt: newer.observedAt,
    windows,
    status: newer.status ?? older.status,
    rateLimited: a.rateLimited + b.rateLimited,
  }
}
