// `tokentap top`'s screen as lines of text (pure): header with today's totals (billed spend
// apart from subscription value), the accounts' limit windows (worst first), the breakdowns by
// model and by program, then as many of the last requests as fit. Fixed data in, fixed text
// out, so it is tested as is.

import {
  type BreakdownRow,
  billedOfTotals,
  costOfEvent,
  costOfTotals,
  type EventRow,
  formatCompact,
  formatInt,
  formatUsd,
  type Totals,
} from '@tokentap/shared/api'
import { formatDateTime } from '@tokentap/shared/time'
import type { TopData } from './data.ts'
import { limitLines, limitsSummary } from './limits.ts'

export interface Screen {
  width: number
  height: number
  /** Where the dashboard is, shown in the header. */
  source: string
  range: string
  timeZone: string
}

function fit(s: string, width: number): string {
  return s.length > width ? `${s.slice(0, Math.max(0, width - 1))}…` : s
}

function cost(t: Parameters<typeof costOfTotals>[0]): string {
  const c = costOfTotals(t)
  return c.unpriced > 0 && c.amount !== 'unpriced' ? `${c.amount} +${c.unpriced}?` : c.amount
}

/** Billed spend (a dashboard from before billing kinds sends only costUsd: all of it). */
function billed(t: Totals): string {
  if (typeof t.billedCostUsd !== 'number') return cost(t)
  const c = billedOfTotals(t)
  return c.unpriced > 0 && c.amount !== 'unpriced' ? `${c.amount} +${c.unpriced}?` : c.amount
}

/** API-equivalent value of subscription traffic, or '-' when there was none. */
const subValue = (t: Totals): string =>
  (t.subscriptionValueUsd ?? 0) > 0 || (t.subscriptionRequests ?? 0) > 0
    ? formatUsd(t.subscriptionValueUsd ?? 0)
    : '-'

function table(title: string, rows: BreakdownRow[], max: number, width: number): string[] {
  if (max <= 1) return []
  const keyW = Math.max(12, Math.min(40, width - 57))
  const head = `${title.padEnd(keyW)} ${'reqs'.padStart(7)} ${'input'.padStart(8)} ${'output'.padStart(8)} ${'billed'.padStart(12)} ${'sub value'.padStart(10)}`
  const shown = rows.slice(0, max - 1)
  const lines = shown.map(
    (r) =>
      `${fit(r.key || '(none)', keyW).padEnd(keyW)} ${formatInt(r.requests).padStart(7)} ` +
      `${formatCompact(r.inputTokens + r.cacheReadTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens).padStart(8)} ` +
      `${formatCompact(r.outputTokens).padStart(8)} ${billed(r).padStart(12)} ${subValue(r).padStart(10)}`,
  )
  if (lines.length === 0) lines.push('  (nothing yet)')
  return [head, ...lines]
}

/** `09:15:02` in the zone (the dashboard's formatDateTime, time part). */
function time(iso: string, timeZone: string): string {
  const ms = Date.parse(iso)
  return Number.isNaN(ms) ? '--:--:--' : formatDateTime(ms, timeZone).slice(11)
}

function eventLine(e: EventRow, timeZone: string, width: number): string {
  const c = costOfEvent(e)
  const status = e.status === null ? e.outcome : String(e.status)
  const tokens =
    e.inputTokens === null && e.outputTokens === null
      ? ''
      : `in ${formatCompact(e.inputTokens ?? 0)} out ${formatCompact(e.outputTokens ?? 0)}`
  const secs = `${(e.durationMs / 1000).toFixed(1)}s`
  // A subscription-covered request's cost is its API-equivalent value, marked `sub`.
  const amount = c.covered ? `sub ${c.amount}` : c.amount
  return fit(
    `${time(e.startedAt, timeZone)} ${fit(e.program ?? '-', 14).padEnd(14)} ${fit(e.model ?? e.endpoint ?? e.path, 26).padEnd(26)} ${status.padStart(5)} ${tokens.padEnd(18)} ${amount.padStart(13)} ${secs.padStart(6)}`,
    width,
  )
}

export function renderTop(d: TopData, s: Screen): string[] {
  const w = Math.max(20, s.width)
  const updated = d.updatedAt ? time(d.updatedAt.toISOString(), s.timeZone) : 'never'
  const head = [
    fit(
      `tokentap top · ${s.range} · ${s.source} · ${d.live ? 'live' : 'polling'} · updated ${updated} · q quits`,
      w,
    ),
  ]
  const t = d.summary
  if (t) {
    head.push(
      fit(
        `billed ${billed(t)}   sub value ${subValue(t)}   ` +
          `requests ${formatInt(t.requests)} (${formatInt(t.errors)} errors)   ` +
          `tokens in ${formatCompact(t.inputTokens)} out ${formatCompact(t.outputTokens)} ` +
          `cache read ${formatCompact(t.cacheReadTokens)} write ${formatCompact(t.cacheWrite5mTokens + t.cacheWrite1hTokens)}`,
        w,
      ),
    )
  } else {
    head.push('billed —')
  }
  if (d.error) head.push(fit(`! ${d.error}`, w))
  head.push('')

  // Limits (worst first) take up to a third of what is left.
  const now = d.updatedAt ?? new Date(0)
  if (d.limits.length > 0) {
    const all = limitLines(d.limits, { now, timeZone: s.timeZone })
    const room = Math.max(1, Math.floor((s.height - head.length) / 3) - 1)
    head.push(fit(`limits: ${limitsSummary(d.limits, now)}`, w))
    head.push(...all.slice(0, room))
    if (all.length > room) head.push(`  … ${all.length - room} more lines on the Limits page`)
    head.push('')
  }

  // Space left: breakdowns take up to a third each, the requests what remains (at least 3).
  const left = Math.max(0, s.height - head.length)
  const per = Math.max(0, Math.min(8, Math.floor((left - 4) / 3)))
  const models = table('model', d.byModel, per, w)
  const programs = table('program', d.byProgram, per, w)
  const body = [...models, ...(models.length ? [''] : []), ...programs]
  if (programs.length) body.push('')
  const room = left - body.length - 1
  const events = room > 0 ? d.events.slice(0, room).map((e) => eventLine(e, s.timeZone, w)) : []
  if (room > 0) body.push(fit('last requests', w))
  if (room > 0 && events.length === 0) events.push('  (none today)')
  return [...head, ...body, ...events].slice(0, s.height).map((l) => fit(l, w))
}
