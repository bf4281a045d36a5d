// What `tokentap top` shows, and reading it from the dashboard's JSON API: today's totals,
// breakdowns by model and by program, the accounts' rate-limit windows (/api/limits), the last
// requests; live rows come from /api/stream.
// Tolerant of a wrapped or bare JSON shape, so a field added to the API does not break it.

import type { AccountLimits } from '@tokentap/shared/accounts'
import type {
  BreakdownResponse,
  BreakdownRow,
  EventRow,
  EventsResponse,
  SummaryResponse,
  Totals,
} from '@tokentap/shared/api'
import { getText } from '../cli/http.ts'
import { asAccounts } from './limits.ts'

export interface TopData {
  summary: Totals | null
  byModel: BreakdownRow[]
  byProgram: BreakdownRow[]
  events: EventRow[]
  /** Accounts' rate-limit windows, worst first ([] from a dashboard without /api/limits). */
  limits: AccountLimits[]
  /** Why the last refresh failed; null when it worked. */
  error: string | null
  live: boolean
  updatedAt: Date | null
}

export const EMPTY: TopData = {
  summary: null,
  byModel: [],
  byProgram: [],
  events: [],
  limits: [],
  error: null,
  live: false,
  updatedAt: null,
}

function pick<T>(body: unknown, keys: string[]): T | null {
  if (body === null || typeof body !== 'object') return null
  for (const k of keys) {
    const v = (body as Record<string, unknown>)[k]
    if (v !== undefined) return v as T
  }
  return null
}

export function asTotals(body: unknown): Totals | null {
  const t =
    pick<Totals>(body, ['totals' satisfies keyof SummaryResponse, 'summary']) ??
    (body as Totals | null)
  return t && typeof t === 'object' && typeof t.requests === 'number' ? t : null
}

export function asRows<T>(body: unknown, keys: string[]): T[] {
  if (Array.isArray(body)) return body as T[]
  const v = pick<T[]>(body, keys)
  return Array.isArray(v) ? v : []
}

/** Where the rows are in a response body: the API's own key first (checked against the
 *  contract), then older or bare shapes. */
const ROW_KEYS = ['rows' satisfies keyof BreakdownResponse, 'breakdown', 'items']
const EVENT_KEYS = ['events' satisfies keyof EventsResponse, 'rows', 'items']

export const MAX_EVENTS = 50

/** A live row joins the top of the list (once). */
export function addEvent(events: EventRow[], e: EventRow): EventRow[] {
  return [e, ...events.filter((x) => x.id !== e.id)].slice(0, MAX_EVENTS)
}

export interface ApiOptions {
  base: string
  headers: Record<string, string>
  range: string
  timeoutMs: number
}

async function getJson(url: string, o: ApiOptions, optional = false): Promise<unknown> {
  const r = await getText(url, o.timeoutMs, { accept: 'application/json', ...o.headers })
  if (!r.ok) throw new Error(`${url}: ${r.error}`)
  if (optional && r.status === 404) return null // a dashboard from before the route
  if (r.status === 401 || r.status === 403) {
    throw new Error(`${url}: HTTP ${r.status} (set DASHBOARD_API_KEY to the dashboard's key)`)
  }
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}`)
  try {
    return JSON.parse(r.body) as unknown
  } catch {
    throw new Error(`${url}: not JSON`)
  }
}

export async function fetchTop(o: ApiOptions, now: Date): Promise<Omit<TopData, 'live'>> {
  const range = encodeURIComponent(o.range)
  const [summary, byModel, byProgram, events, limits] = await Promise.all([
    getJson(`${o.base}/api/summary?range=${range}`, o),
    getJson(`${o.base}/api/breakdown?by=model&range=${range}`, o),
    getJson(`${o.base}/api/breakdown?by=program&range=${range}`, o),
    getJson(`${o.base}/api/events?limit=20`, o),
    getJson(`${o.base}/api/limits`, o, true),
  ])
  return {
    summary: asTotals(summary),
    byModel: asRows<BreakdownRow>(byModel, ROW_KEYS),
    byProgram: asRows<BreakdownRow>(byProgram, ROW_KEYS),
    events: asRows<EventRow>(events, EVENT_KEYS),
    limits: asAccounts(limits),
    error: null,
    updatedAt: now,
  }
}
