// Rate-limit and subscription windows as terminal lines (pure), for `tokentap top` and
// `tokentap status`: per account (fingerprint's short form, provider, billing kind, last user)
// each window as a bar with its percentage and reset time in the viewer's zone; accounts at a
// limit marked `!!`, near one `! `; 429s seen. Reads /api/limits (LimitsResponse), tolerantly.

import {
  type AccountLimits,
  accountLevel,
  rateLimitedNow,
  shortAccount,
  sortedWindows,
  windowLabel,
  windowLevel,
} from '@tokentap/shared/accounts'
import {
  BILLING_LABELS,
  formatInt,
  formatPercent,
  formatUntil,
  type LimitsResponse,
} from '@tokentap/shared/api'
import { formatDateTime } from '@tokentap/shared/time'

/** `████████░░` for 0.8 (width 10); `··········` when unknown. */
export function limitBar(used: number | null, width = 10): string {
  if (used === null || !Number.isFinite(used)) return '·'.repeat(width)
  const full = Math.round(Math.min(1, Math.max(0, used)) * width)
  return '█'.repeat(full) + '░'.repeat(width - full)
}

/** The accounts of a /api/limits body (bare list or wrapped); [] when it holds none. */
export function asAccounts(body: unknown): AccountLimits[] {
  const list = Array.isArray(body)
    ? body
    : body !== null && typeof body === 'object'
      ? (body as Partial<LimitsResponse>).accounts
      : undefined
  return Array.isArray(list)
    ? list.filter(
        (a): a is AccountLimits =>
          a !== null &&
          typeof a === 'object' &&
          typeof (a as AccountLimits).account === 'string' &&
          typeof (a as AccountLimits).windows === 'object',
      )
    : []
}

/** "3 accounts · 1 at a limit · 1 near one". */
export function limitsSummary(accounts: AccountLimits[], now: Date): string {
  const at = accounts.filter((a) => accountLevel(a, now) === 'at').length
  const near = accounts.filter((a) => accountLevel(a, now) === 'near').length
  return `${accounts.length} account${accounts.length === 1 ? '' : 's'} · ${at} at a limit · ${near} near one`
}

const MARK = { at: '!!', near: '! ', ok: '  ' } as const

/** Reset time as `13:00` today, `Tue 09:00` later (in the zone), with the time left. */
function resetText(iso: string, now: Date, timeZone: string): string {
  const ms = Date.parse(iso)
  const local = formatDateTime(ms, timeZone)
  const sameDay = local.slice(0, 10) === formatDateTime(now.getTime(), timeZone).slice(0, 10)
  const at = sameDay ? local.slice(11, 16) : local.slice(5, 16)
  return `resets ${at} (${formatUntil(ms - now.getTime())})`
}

export interface LimitLinesOptions {
  now: Date
  timeZone: string
  /** Only accounts at or near a limit, and only their windows at or near one (status). */
  attentionOnly?: boolean
}

/** Lines for the accounts, worst first as the API orders them. */
export function limitLines(accounts: AccountLimits[], o: LimitLinesOptions): string[] {
  const out: string[] = []
  for (const a of accounts) {
    const level = accountLevel(a, o.now)
    if (o.attentionOnly && level === 'ok') continue
    const limited = rateLimitedNow(a, o.now)
    const four29 =
      a.count429 > 0 ? ` · ${formatInt(a.count429)}×429${limited ? ' (rate-limited now)' : ''}` : ''
    out.push(
      `${MARK[level]} ${shortAccount(a.account)} ${a.provider} ${BILLING_LABELS[a.billingKind]} ${a.lastUser ?? '(none)'}${four29}`,
    )
    for (const [name, w] of sortedWindows(a)) {
      const wl = windowLevel(w, o.now)
      if (wl === 'reset') continue
      if (o.attentionOnly && wl !== 'at' && wl !== 'near') continue
      const reset = w.resetAt === null ? '' : `  ${resetText(w.resetAt, o.now, o.timeZone)}`
      const pct = w.used === null ? (w.status ?? '—') : formatPercent(w.used)
      out.push(
        `     ${windowLabel(name, w).padEnd(18)} ${limitBar(w.used)} ${pct.padStart(5)}${reset}`,
      )
    }
  }
  return out
}
