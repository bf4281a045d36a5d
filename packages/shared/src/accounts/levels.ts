// How close an account is to its limits, for the Limits page, the CLI and the alerts: pure
// functions over the readings in account_limits (types.ts).

import type { AccountLimits, LimitWindow } from './types.ts'

/** From this fraction used a window counts as near its limit (the dashboard and CLI mark it). */
export const NEAR_LIMIT = 0.8
/** A 429 after this long without one starts a new run of rate limiting (and its alert). */
export const RATE_LIMIT_QUIET_MS = 30 * 60_000
/** An account whose last 429 is this recent is shown as rate-limited. */
export const RATE_LIMITED_RECENT_MS = 15 * 60_000

/** ok · near (≥ NEAR_LIMIT) · at (used up, rejected, nothing left) · reset (the reading's window
 *  has reset since it was taken) · unknown (no figure to judge). */
export type LimitLevel = 'ok' | 'near' | 'at' | 'reset' | 'unknown'

/** The window's standing at `now`. */
export function windowLevel(w: LimitWindow, now: Date): LimitLevel {
  if (w.resetAt !== null && Date.parse(w.resetAt) <= now.getTime()) return 'reset'
  if (w.status === 'rejected' || w.status === 'none') return 'at'
  if (w.remaining === 0 && w.limit !== null && w.limit > 0) return 'at'
  if (w.used === null) return 'unknown'
  if (w.used >= 1) return 'at'
  return w.used >= NEAR_LIMIT ? 'near' : 'ok'
}

/** Rate-limited now: a 429 within RATE_LIMITED_RECENT_MS. */
export function rateLimitedNow(a: Pick<AccountLimits, 'last429At'>, now: Date): boolean {
  return a.last429At !== null && now.getTime() - Date.parse(a.last429At) < RATE_LIMITED_RECENT_MS
}

const RANK: Record<LimitLevel, number> = { at: 3, near: 2, ok: 1, unknown: 0, reset: 0 }

/** The account's worst standing: 'at' when rate-limited now or any window is used up. */
export function accountLevel(a: AccountLimits, now: Date): 'at' | 'near' | 'ok' {
  if (rateLimitedNow(a, now) || a.status === 'rejected') return 'at'
  let worst = 0
  for (const w of Object.values(a.windows)) worst = Math.max(worst, RANK[windowLevel(w, now)])
  return worst >= 3 ? 'at' : worst === 2 ? 'near' : 'ok'
}

const LABELS: Record<string, string> = {
  requests: 'requests / min',
  tokens: 'tokens / min',
  'input-tokens': 'input tokens / min',
  'output-tokens': 'output tokens / min',
  'unified-5h': '5-hour',
  'unified-7d': '7-day',
  'unified-7d_oi': '7-day (overage included)',
  'unified-7d_opus': '7-day Opus',
  'unified-7d_sonnet': '7-day Sonnet',
  'unified-overage': 'overage',
  'codex-primary': 'primary',
  'codex-secondary': 'secondary',
  'codex-credits': 'credits',
}

/** A window's human name; a Codex window with a known length says it ("5-hour"). */
export function windowLabel(name: string, w?: Pick<LimitWindow, 'minutes'>): string {
  const known = LABELS[name]
  const m = w?.minutes ?? null
  if (name.startsWith('codex-') && name !== 'codex-credits' && m !== null && m > 0) {
    return `${durationLabel(m)} (${known ?? name.slice(6)})`
  }
  return known ?? name
}

/** 300 → "5-hour", 10080 → "7-day", 45 → "45-minute". */
export function durationLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}-day`
  if (minutes % 60 === 0) return `${minutes / 60}-hour`
  return `${minutes}-minute`
}

/** Subscription windows first (the ones people run into), then the per-minute buckets. */
export function windowOrder(name: string): number {
  if (name.startsWith('unified-') || name.endsWith('-primary')) return 0
  if (name.endsWith('-secondary')) return 1
  if (name === 'codex-credits') return 2
  return 3
}

/** The windows of an account in display order. */
export function sortedWindows(a: Pick<AccountLimits, 'windows'>): [string, LimitWindow][] {
  return Object.entries(a.windows).sort(
    ([x], [y]) => windowOrder(x) - windowOrder(y) || x.localeCompare(y),
  )
}

/** The account's short form for screens: the first 8 characters of the fingerprint. */
export const shortAccount = (account: string): string => account.slice(0, 8)
