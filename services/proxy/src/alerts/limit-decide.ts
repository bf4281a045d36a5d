// Pure decisions of the limit alerts (issue 16): which subscription windows passed which
// thresholds (LIMIT_ALERT_THRESHOLDS), whether an account's run of 429s is fresh, and the
// alerts_sent keys that dedupe them across replicas (names starting with "__" are reserved).
//   __limit:<account>:<window>  window_start = the window's reset (one window instance)
//   __ratelimited:<account>     window_start = limited_since (one run of 429s)
//   __apikey:["provider","user"] window_start = the first API-key-billed request

import { ConfigError } from '@tokentap/shared'
import { type AccountLimits, type LimitWindow, windowLevel } from '@tokentap/shared/accounts'

export const LIMIT_PREFIX = '__limit:'
export const RATE_LIMITED_PREFIX = '__ratelimited:'
export const APIKEY_PREFIX = '__apikey:'
export const LIMIT_THRESHOLDS_VARIABLE = 'LIMIT_ALERT_THRESHOLDS'
export const DEFAULT_LIMIT_THRESHOLDS: readonly number[] = [0.8, 0.95]
/** A run of 429s is alerted while it is this fresh (a restarted proxy does not dig up old ones). */
export const RATE_LIMITED_FRESH_MS = 3_600_000
/** A switch alert is retried for a day; a window alert until its window reset; then expired. */
export const APIKEY_ALERT_TTL_MS = 86_400_000

/** "80,95" → [0.8, 0.95]; "off" → []; unset → the default. Percentages in (0, 100]. */
export function parseLimitThresholds(raw: string | undefined): number[] {
  if (raw === undefined) return [...DEFAULT_LIMIT_THRESHOLDS]
  const text = raw.trim().toLowerCase()
  if (text === 'off' || text === 'none') return []
  const out: number[] = []
  for (const part of text.split(',')) {
    const p = part.trim().replace(/%$/, '')
    const n = /^\d+(\.\d+)?$/.test(p) ? Number(p) : Number.NaN
    if (!(n > 0 && n <= 100)) {
      throw new ConfigError(
        LIMIT_THRESHOLDS_VARIABLE,
        `"${part.trim()}" is not a percentage in (0, 100] (e.g. 80,95; "off" turns the alerts off)`,
      )
    }
    if (!out.includes(n / 100)) out.push(n / 100)
  }
  return out.sort((a, b) => a - b)
}

/** Windows that get threshold alerts: usage windows (Claude subscription, Codex). Per-minute API
 *  buckets fill and drain every minute: they show on the Limits page, and their 429s alert. */
export const alertableWindow = (w: LimitWindow): boolean => w.unit === 'usage'

export interface WindowCrossing {
  name: string
  window: LimitWindow
  /** The thresholds the window's utilization has reached, ascending. */
  crossed: number[]
  budget: string
  /** The window instance: its reset to the minute (or the reading's UTC day when unknown). */
  windowStart: Date
}

const MINUTE = 60_000
const DAY = 86_400_000

export function windowStartOf(w: LimitWindow): Date {
  if (w.resetAt !== null) return new Date(Math.floor(Date.parse(w.resetAt) / MINUTE) * MINUTE)
  return new Date(Math.floor(Date.parse(w.observedAt) / DAY) * DAY)
}

/** The account's windows whose utilization reached a threshold and have not reset since. */
export function windowCrossings(
  a: AccountLimits,
  thresholds: readonly number[],
  now: Date,
): WindowCrossing[] {
  const out: WindowCrossing[] = []
  for (const [name, w] of Object.entries(a.windows)) {
    if (!alertableWindow(w) || w.used === null || windowLevel(w, now) === 'reset') continue
    const used = w.used
    const crossed = thresholds.filter((t) => used + 1e-9 >= t)
    if (crossed.length === 0) continue
    out.push({
      name,
      window: w,
      crossed,
      budget: `${LIMIT_PREFIX}${a.account}:${name}`,
      windowStart: windowStartOf(w),
    })
  }
  return out
}

/** `__limit:<account>:<window>` → its parts, or null. */
export function parseLimitKey(budget: string): { account: string; window: string } | null {
  if (!budget.startsWith(LIMIT_PREFIX)) return null
  const rest = budget.slice(LIMIT_PREFIX.length)
  const colon = rest.indexOf(':')
  if (colon <= 0 || colon === rest.length - 1) return null
  return { account: rest.slice(0, colon), window: rest.slice(colon + 1) }
}

/** The start of the account's current run of 429s while fresh, else null. */
export function freshRateLimitRun(a: AccountLimits, now: Date): Date | null {
  if (a.limitedSince === null || a.last429At === null) return null
  const since = Date.parse(a.limitedSince)
  return now.getTime() - since <= RATE_LIMITED_FRESH_MS ? new Date(since) : null
}

export const rateLimitedKey = (account: string): string => `${RATE_LIMITED_PREFIX}${account}`

export function parseRateLimitedKey(budget: string): string | null {
  return budget.startsWith(RATE_LIMITED_PREFIX) && budget.length > RATE_LIMITED_PREFIX.length
    ? budget.slice(RATE_LIMITED_PREFIX.length)
    : null
}

/** JSON inside the key: user names may hold any character. */
export const apiKeyKey = (provider: string, user: string | null): string =>
  `${APIKEY_PREFIX}${JSON.stringify([provider, user])}`

export function parseApiKeyKey(budget: string): { provider: string; user: string | null } | null {
  if (!budget.startsWith(APIKEY_PREFIX)) return null
  try {
    const v: unknown = JSON.parse(budget.slice(APIKEY_PREFIX.length))
    if (
      Array.isArray(v) &&
      v.length === 2 &&
      typeof v[0] === 'string' &&
      (typeof v[1] === 'string' || v[1] === null)
    ) {
      return { provider: v[0], user: v[1] }
    }
  } catch {
    // not one of ours
  }
  return null
}
