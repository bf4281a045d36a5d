// Codex's usage windows on ChatGPT sign-in (as codex-rs/codex-api/src/rate_limits.rs reads them):
//   x-codex-primary-used-percent, -window-minutes, -reset-at (unix seconds), and `secondary`
//   the same; other metered limits as x-<limit>-primary-… (e.g. x-codex-other-…);
//   x-codex-credits-has-credits, -unlimited (true/false/1/0), -balance.
// Over the Responses WebSocket the same arrive as events: `codex.rate_limits` ({rate_limits:
// {primary: {used_percent, window_minutes, reset_at}, secondary}, credits, metered_limit_name})
// and a rate-limit error `{type: "error", status: 429, headers: {x-codex-…}}`. Pure.

import type { LimitWindows } from '@tokentap/shared/accounts'
import { type LimitReading, MAX_WINDOWS, num, unixSeconds, window, word } from './reading.ts'

const FAMILY = /^x-([a-z0-9][a-z0-9-]{0,31})-primary-used-percent$/
const SLOTS = ['primary', 'secondary'] as const
const CREDITS = 'x-codex-credits-'

/** Other header families named like Codex limits that are not (none known today). */
export const isCodexLimitHeader = (name: string): boolean =>
  name.startsWith('x-codex-') || (name.startsWith('x-') && /-(primary|secondary)-/.test(name))

/** `codex` → codex-primary; `codex-other` → codex_other-primary (ids as codex-rs normalises). */
const windowName = (limit: string, slot: string): string =>
  `${limit === 'codex' ? 'codex' : limit.replaceAll('-', '_')}-${slot}`

interface Slot {
  used: number | null
  minutes: number | null
  resetAt: string | null
}

function slotWindow(windows: LimitWindows, name: string, s: Slot, observedAt: number): void {
  // codex-rs keeps a window only with something in it (a 0 % reading without length or reset
  // means "no such window").
  const has = (s.used !== null && s.used !== 0) || (s.minutes ?? 0) !== 0 || s.resetAt !== null
  if (s.used === null || !has || Object.keys(windows).length >= MAX_WINDOWS) return
  windows[name] = window('usage', observedAt, {
    used: Math.max(0, s.used / 100),
    minutes: s.minutes,
    resetAt: s.resetAt,
  })
}

const bool = (v: unknown): boolean | null => {
  if (typeof v === 'boolean') return v
  if (typeof v !== 'string') return null
  const t = v.trim().toLowerCase()
  return t === 'true' || t === '1' ? true : t === 'false' || t === '0' ? false : null
}

function creditsWindow(
  windows: LimitWindows,
  has: boolean | null,
  unlimited: boolean | null,
  balance: unknown,
  observedAt: number,
): void {
  if (has === null || unlimited === null) return
  const remaining = typeof balance === 'string' || typeof balance === 'number' ? num(balance) : null
  windows['codex-credits'] = window('credits', observedAt, {
    remaining,
    status: unlimited ? 'unlimited' : has ? 'available' : 'none',
  })
}

export function readCodexLimits(
  headers: ReadonlyMap<string, string>,
  observedAt: number,
): LimitReading | null {
  const windows: LimitWindows = {}
  const limits = new Set<string>()
  for (const name of headers.keys()) {
    const m = FAMILY.exec(name)
    if (m?.[1]) limits.add(m[1])
  }
  for (const limit of [...limits].sort()) {
    for (const slot of SLOTS) {
      const p = `x-${limit}-${slot}-`
      const after = num(headers.get(`${p}reset-after-seconds`))
      const resetAt =
        unixSeconds(headers.get(`${p}reset-at`)) ??
        (after === null || after < 0 ? null : new Date(observedAt + after * 1000).toISOString())
      slotWindow(
        windows,
        windowName(limit, slot),
        {
          used: num(headers.get(`${p}used-percent`)),
          minutes: num(headers.get(`${p}window-minutes`)),
          resetAt,
        },
        observedAt,
      )
    }
  }
  creditsWindow(
    windows,
    bool(headers.get(`${CREDITS}has-credits`)),
    bool(headers.get(`${CREDITS}unlimited`)),
    headers.get(`${CREDITS}balance`),
    observedAt,
  )
  if (Object.keys(windows).length === 0) return null
  return { observedAt, windows, status: null, rateLimited: 0 }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A `codex.rate_limits` event's reading, or null. */
export function readCodexRateLimitEvent(
  event: Record<string, unknown>,
  observedAt: number,
): LimitReading | null {
  const windows: LimitWindows = {}
  const limitName = word(
    typeof event.metered_limit_name === 'string'
      ? event.metered_limit_name
      : typeof event.limit_name === 'string'
        ? event.limit_name
        : 'codex',
  )
  const limit = limitName === null ? 'codex' : limitName.replaceAll('_', '-')
  const rl = isObject(event.rate_limits) ? event.rate_limits : {}
  for (const slot of SLOTS) {
    const w = rl[slot]
    if (!isObject(w)) continue
    const used = num(w.used_percent as number | string | undefined)
    const minutes = num(w.window_minutes as number | string | undefined)
    const resetAt = unixSeconds(w.reset_at as number | string | undefined)
    slotWindow(windows, windowName(limit, slot), { used, minutes, resetAt }, observedAt)
  }
  const c = event.credits
  if (isObject(c))
    creditsWindow(windows, bool(c.has_credits), bool(c.unlimited), c.balance, observedAt)
  if (Object.keys(windows).length === 0) return null
  return { observedAt, windows, status: null, rateLimited: 0 }
}
