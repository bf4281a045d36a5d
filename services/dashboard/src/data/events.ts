// The event log over usage_events: keyset pagination on (started_at desc, id desc) with an
// opaque cursor (never OFFSET, never COUNT), live rows after an id, id ranges for the NOTIFY
// feed, and one event's every column with its captured bodies.

import { BILLING_KINDS, type BillingKind } from '@tokentap/shared'
import type { EventDetail, EventPage, EventRow, Filters } from '@tokentap/shared/api'
import { eventColumn, type Sql, TOKEN_FIELDS } from '@tokentap/shared/db'
import { readSubUsage, readUnits, readUnpricedUnits } from './billing.ts'
import { FilterError } from './filters.ts'
import { and, eventDims, eventExtras, type Fragment, startedIn, unprepared } from './where.ts'

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`
const ISO_US = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`
const TOKENS = TOKEN_FIELDS.map((k) => eventColumn(k).name)

/** Columns of an EventRow; `cursor_ts` keeps started_at's microseconds for the keyset. The
 *  aliases shadow e.started_at and e.id in ORDER BY: order by the qualified columns. */
export const ROW_COLUMNS = `e.id::text as id,
  to_char(e.started_at at time zone 'UTC', ${ISO_MS}) as started_at,
  to_char(e.started_at at time zone 'UTC', ${ISO_US}) as cursor_ts,
  e.duration_ms, e.ttfb_ms, e.provider, e.host, e.method, e.path, e.endpoint, e.model, e.stream,
  e.transport, e.status, e.outcome, e.usage_source, e.billable, e."user", e.project, e.program,
  e.session, e.agent, e.agent_type,
  e.billing_kind, e.account,
  ${TOKENS.map((t) => `e.${t}::float8 as ${t}`).join(', ')},
  e.credits::float8 as credits, e.cost_usd::float8 as cost_usd, e.price_source,
  e.service_tier, e.inference_geo, e.speed, e.units::text as units,
  e.sub_usage::text as sub_usage, e.audio_input_tokens::float8 as audio_input_tokens,
  e.audio_output_tokens::float8 as audio_output_tokens, e.web_searches::float8 as web_searches,
  e.unpriced_units::text as unpriced_units`

const DETAIL_COLUMNS = `${ROW_COLUMNS}, e.response_id, e.request_bytes::float8 as request_bytes,
  e.response_bytes::float8 as response_bytes, e.error, e.parse_error, e.price_version,
  e.raw_usage::text as raw_usage, to_char(e.recorded_at at time zone 'UTC', ${ISO_MS}) as recorded_at,
  b.event_id is not null as has_bodies, b.request as body_request, b.response as body_response`

type Raw = Record<string, unknown>
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v))
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v))

export function toEventRow(r: Raw): EventRow {
  return {
    id: String(r.id),
    startedAt: String(r.started_at),
    durationMs: Number(r.duration_ms),
    ttfbMs: num(r.ttfb_ms),
    provider: String(r.provider),
    host: String(r.host),
    method: String(r.method),
    path: String(r.path),
    endpoint: str(r.endpoint),
    model: str(r.model),
    stream: Boolean(r.stream),
    transport: String(r.transport) as EventRow['transport'],
    status: num(r.status),
    outcome: String(r.outcome) as EventRow['outcome'],
    usageSource: String(r.usage_source) as EventRow['usageSource'],
    billable: Boolean(r.billable),
    user: str(r.user),
    project: str(r.project),
    program: str(r.program),
    session: str(r.session),
    agent: str(r.agent),
    agentType: str(r.agent_type),
    billingKind: (BILLING_KINDS as readonly unknown[]).includes(r.billing_kind)
      ? (r.billing_kind as BillingKind)
      : 'unknown',
    account: str(r.account),
    inputTokens: num(r.input_tokens),
    outputTokens: num(r.output_tokens),
    cacheReadTokens: num(r.cache_read_tokens),
    cacheWrite5mTokens: num(r.cache_write_5m_tokens),
    cacheWrite1hTokens: num(r.cache_write_1h_tokens),
    reasoningTokens: num(r.reasoning_tokens),
    credits: num(r.credits),
    costUsd: num(r.cost_usd),
    priceSource: str(r.price_source),
    // billed units (issue 14)
    serviceTier: str(r.service_tier),
    inferenceGeo: str(r.inference_geo),
    speed: str(r.speed),
    units: readUnits(r.units),
    subUsage: readSubUsage(r.sub_usage),
    audioInputTokens: num(r.audio_input_tokens),
    audioOutputTokens: num(r.audio_output_tokens),
    webSearches: num(r.web_searches),
    unpricedUnits: readUnpricedUnits(r.unpriced_units),
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const CURSOR_TS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/

export function isUuid(s: string): boolean {
  return UUID.test(s)
}

export function encodeCursor(startedAtUs: string, id: string): string {
  return Buffer.from(`${startedAtUs}|${id}`).toString('base64url')
}

export function decodeCursor(cursor: string): { ts: string; id: string } {
  const [ts, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|')
  if (!ts || !id || !CURSOR_TS.test(ts) || !UUID.test(id)) {
    throw new FilterError('cursor: invalid (use nextCursor from the previous page)')
  }
  return { ts, id }
}

function filterConds(sql: Sql, f: Filters): Fragment[] {
  return [
    startedIn(sql, f.from.getTime(), f.to.getTime()),
    ...eventDims(sql, f),
    ...eventExtras(sql, f),
  ]
}

/** LIMIT as a literal: with a parameter, the cached generic plan of a prepared statement cannot
 *  see how small it is and may sort the whole range instead of walking an index. */
function literalLimit(sql: Sql, n: number): Fragment {
  if (!Number.isSafeInteger(n) || n < 1) throw new FilterError('limit: expected a positive integer')
  return sql.unsafe(String(n))
}

/** An equality filter on a column with a (column, started_at) index. */
function usesDimensionIndex(f: Filters): boolean {
  return (['user', 'project', 'model', 'provider', 'session'] as const).some(
    (d) => f[d] !== undefined && f[d] !== '',
  )
}

/** (started_at desc, id desc), as the cursor orders rows. */
function newestFirst(a: Raw, b: Raw): number {
  const ta = String(a.cursor_ts)
  const tb = String(b.cursor_ts)
  if (ta !== tb) return ta < tb ? 1 : -1
  return String(a.id) < String(b.id) ? 1 : -1
}

export async function events(
  sql: Sql,
  f: Filters,
  page: { cursor?: string; limit: number },
): Promise<EventPage> {
  const conds = filterConds(sql, f)
  if (page.cursor) {
    const c = decodeCursor(page.cursor)
    // The first condition is what the started_at index can seek on; the second breaks ties.
    conds.push(sql`started_at <= ${c.ts}::timestamptz`)
    conds.push(sql`(started_at < ${c.ts}::timestamptz or id < ${c.id}::uuid)`)
  }
  const where = and(sql, conds)
  // ORDER BY started_at alone, in an index's order, lets the planner walk that index and stop
  // after limit+1 rows (with `, id` too, or another NULLS order, it sorts the whole range).
  // usage_events_started_at_idx is DESC NULLS LAST; the (dimension, started_at) indexes read
  // backwards give DESC NULLS FIRST: pick the one matching the filters. Rows sharing the oldest
  // fetched started_at may be cut arbitrarily: fetch that whole tie group, then order by
  // (started_at, id) here.
  const order = usesDimensionIndex(f) ? sql`e.started_at desc` : sql`e.started_at desc nulls last`
  const want = page.limit + 1
  let rows: Raw[] = [
    ...(await unprepared(sql`select ${sql.unsafe(ROW_COLUMNS)} from usage_events e
    where ${where} order by ${order} limit ${literalLimit(sql, want)}`)),
  ]
  const edge = rows[rows.length - 1]
  if (rows.length === want && edge) {
    const ties = await unprepared(sql`select ${sql.unsafe(ROW_COLUMNS)} from usage_events e
      where ${where} and started_at = ${String(edge.cursor_ts)}::timestamptz`)
    rows = [...rows.filter((r) => r.cursor_ts !== edge.cursor_ts), ...ties]
  }
  rows.sort(newestFirst)
  const more = rows.length > page.limit
  const list = rows.slice(0, page.limit)
  const last = list[list.length - 1]
  return {
    events: list.map(toEventRow),
    nextCursor: more && last ? encodeCursor(String(last.cursor_ts), String(last.id)) : null,
  }
}

export async function eventsAfter(
  sql: Sql,
  f: Filters,
  afterId: string,
  limit: number,
): Promise<EventRow[]> {
  if (!UUID.test(afterId)) throw new FilterError('after: expected an event id')
  const conds = [sql`id > ${afterId}::uuid`, ...filterConds(sql, f)]
  const rows = await sql`select ${sql.unsafe(ROW_COLUMNS)} from usage_events e
    where ${and(sql, conds)} order by e.id desc limit ${literalLimit(sql, limit)}`
  return rows.map(toEventRow)
}

/** Rows with firstId <= id <= lastId (a NOTIFY payload's range), oldest first. */
export async function eventsInIdRange(
  sql: Sql,
  firstId: string,
  lastId: string,
  limit: number,
): Promise<EventRow[]> {
  const rows = await sql`select ${sql.unsafe(ROW_COLUMNS)} from usage_events e
    where id >= ${firstId}::uuid and id <= ${lastId}::uuid order by e.id limit ${literalLimit(sql, limit)}`
  return rows.map(toEventRow)
}

/** Rows recorded at or after `since` (catch-up after a lost LISTEN connection), oldest first.
 *  `startedAfter` bounds the scan to the started_at index. */
export async function eventsRecordedSince(
  sql: Sql,
  since: string,
  startedAfter: string,
  limit: number,
): Promise<EventRow[]> {
  const rows = await sql`select ${sql.unsafe(ROW_COLUMNS)} from usage_events e
    where started_at >= ${startedAfter}::timestamptz and recorded_at >= ${since}::timestamptz
    order by e.id limit ${literalLimit(sql, limit)}`
  return rows.map(toEventRow)
}

export async function eventDetail(sql: Sql, id: string): Promise<EventDetail | null> {
  if (!UUID.test(id)) return null
  const rows = await sql`select ${sql.unsafe(DETAIL_COLUMNS)} from usage_events e
    left join exchange_bodies b on b.event_id = e.id where e.id = ${id}::uuid`
  const r = rows[0]
  if (!r) return null
  return {
    ...toEventRow(r),
    responseId: str(r.response_id),
    requestBytes: Number(r.request_bytes),
    responseBytes: Number(r.response_bytes),
    error: str(r.error),
    parseError: str(r.parse_error),
    priceVersion: str(r.price_version),
    rawUsage: parseJson(r.raw_usage),
    recordedAt: String(r.recorded_at),
    bodies: r.has_bodies ? { request: str(r.body_request), response: str(r.body_response) } : null,
  }
}

/** raw_usage is selected as text: the same on pools with or without drizzle's parsers. */
function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? JSON.parse(v) : null
}
