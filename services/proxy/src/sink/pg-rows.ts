// UsageRecord → usage_events row values, in the column order of EVENT_COLUMNS. The names mirror
// packages/shared/src/db/schema.ts (the source of truth); pg-rows.test.ts fails if they drift.

import { redactPath, type UsageRecord } from '@tokentap/shared'
import { bodiesOf } from '../capture/bodies.ts'

/** A record as the sink holds it. Spool files may come from an older proxy, so toCells reads
 *  every field defensively (a missing field is NULL / default, never a crash). */
export type StoredRecord = UsageRecord

/** [column, SQL type] in insert order: every usage_events column except recorded_at. */
export const EVENT_COLUMNS = [
  ['id', 'uuid'],
  ['started_at', 'timestamptz'],
  ['duration_ms', 'integer'],
  ['ttfb_ms', 'integer'],
  ['provider', 'text'],
  ['host', 'text'],
  ['method', 'text'],
  ['path', 'text'],
  ['endpoint', 'text'],
  ['model', 'text'],
  ['stream', 'boolean'],
  ['transport', 'text'],
  ['status', 'integer'],
  ['outcome', 'text'],
  ['usage_source', 'text'],
  ['billable', 'boolean'],
  ['response_id', 'text'],
  ['user', 'text'],
  ['project', 'text'],
  ['program', 'text'],
  ['request_bytes', 'bigint'],
  ['response_bytes', 'bigint'],
  ['error', 'text'],
  ['parse_error', 'text'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'],
  ['cache_write_5m_tokens', 'bigint'],
  ['cache_write_1h_tokens', 'bigint'],
  ['reasoning_tokens', 'bigint'],
  ['credits', 'numeric'],
  ['cost_usd', 'numeric'],
  ['price_source', 'text'],
  ['price_version', 'text'],
  ['raw_usage', 'jsonb'],
  // Added by migration 0002: ADD COLUMN appends, and this list follows the table's order.
  ['session', 'text'],
] as const

export type Cell = string | number | boolean | null

/** Postgres text rejects NUL and lone surrogates; a record must not be refused for them. */
export function cleanText(s: string): string {
  return s.includes('\0') || !s.isWellFormed() ? s.toWellFormed().replaceAll('\0', '') : s
}

const str = (v: unknown): string | null =>
  v === null || v === undefined ? null : cleanText(String(v))
const req = (v: unknown): string => str(v) ?? ''
const int = (v: unknown): number | null => {
  if (v === null || v === undefined || v === '') return null
  const n = Math.round(Number(v))
  return Number.isFinite(n) ? n : null
}
const num = (v: unknown): string | null => {
  if (v === null || v === undefined || v === '') return null
  const n = typeof v === 'number' ? v : Number(v)
  return Number.isFinite(n) ? String(v) : null
}

/** The provider's usage object as JSON text Postgres accepts (NUL / lone surrogates cleaned). */
export function rawUsageJson(v: unknown): string | null {
  if (v === undefined || v === null) return null
  let text: string | undefined
  try {
    text = JSON.stringify(v)
  } catch {
    return null // cyclic or BigInt: not representable; the token columns still hold the counts
  }
  if (text === undefined) return null
  if (text.includes('\\u0000') || /\\ud[89a-f]/i.test(text)) {
    text = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'string' ? cleanText(x) : x))
  }
  return text
}

/** Throws only for a record without a usable id (the caller sets such records aside). */
export function toCells(r: StoredRecord): Cell[] {
  if (typeof r.id !== 'string' || r.id.length === 0) throw new Error('record has no id')
  return [
    r.id,
    req(r.startedAt),
    int(r.durationMs) ?? 0,
    int(r.ttfbMs),
    req(r.provider),
    req(r.host),
    req(r.method),
    // Records are redacted when built; spooled ones from an older proxy may not be.
    redactPath(req(r.path)),
    str(r.endpoint),
    str(r.model),
    r.stream === true,
    req(r.transport),
    int(r.status),
    req(r.outcome),
    req(r.usageSource),
    r.billable === true,
    str(r.responseId),
    str(r.user),
    str(r.project),
    str(r.program),
    int(r.requestBytes) ?? 0,
    int(r.responseBytes) ?? 0,
    str(r.error),
    str(r.parseError),
    int(r.inputTokens),
    int(r.outputTokens),
    int(r.cacheReadTokens),
    int(r.cacheWrite5mTokens),
    int(r.cacheWrite1hTokens),
    int(r.reasoningTokens),
    num(r.credits),
    num(r.costUsd),
    str(r.priceSource),
    str(r.priceVersion),
    rawUsageJson(r.rawUsage),
    str(r.session),
  ]
}

/** An exchange_bodies row (column names as in the table). */
export interface BodyRow {
  event_id: string
  request: string | null
  response: string | null
}

/** The captured bodies of these records (capture/bodies.ts), for the same flush. */
export function bodyRows(records: StoredRecord[]): BodyRow[] {
  const out: BodyRow[] = []
  for (const r of records) {
    const b = bodiesOf(r)
    if (b === null || typeof r.id !== 'string') continue
    out.push({ event_id: r.id, request: str(b.request), response: str(b.response) })
  }
  return out
}
