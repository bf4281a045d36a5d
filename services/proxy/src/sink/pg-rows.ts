// UsageRecord → usage_events row values, in the order of EVENT_COLUMNS (derived from the drizzle
// schema, packages/shared/src/db/columns.ts). Each cell is converted by its column's SQL type.

import { redactPath, type UsageRecord } from '@tokentap/shared'
import { EVENT_COLUMNS, type EventColumn, type EventField } from '@tokentap/shared/db'
import type { RecordEnvelope } from './sink.ts'

/** A record as the sink holds it. Spool files may come from an older proxy, so toCells reads
 *  every field defensively (a missing field is NULL / default, never a crash). */
export type StoredRecord = UsageRecord

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

const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null)

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

/** The conversion of one column's value; NOT NULL columns get their DEFAULT, else '', 0 or false,
 *  for a missing one. */
function converter(c: EventColumn): (v: unknown) => Cell {
  const type = c.sqlType.replace(/\(.*$/, '')
  const fallback = c.default
  switch (type) {
    case 'uuid':
    case 'text':
    case 'timestamp with time zone':
      if (c.notNull && typeof fallback === 'string') return (v) => str(v) ?? fallback
      return c.notNull ? req : str
    case 'integer':
    case 'bigint':
      return c.notNull ? (v) => int(v) ?? 0 : int
    case 'boolean':
      return c.notNull ? (v) => v === true : bool
    case 'numeric':
      return num
    case 'jsonb':
      return rawUsageJson
    default:
      throw new Error(`usage_events.${c.name}: no cell conversion for SQL type ${c.sqlType}`)
  }
}

const KEYS: readonly EventField[] = EVENT_COLUMNS.map((c) => c.key)
const CONVERT = EVENT_COLUMNS.map((c) => {
  const cell = converter(c)
  // Records are redacted when built; spooled ones from an older proxy may not be.
  return c.key === 'path' ? (v: unknown) => redactPath(String(cell(v))) : cell
})

/** Throws only for a record without a usable id (the caller sets such records aside). */
export function toCells(r: StoredRecord): Cell[] {
  if (typeof r.id !== 'string' || r.id.length === 0) throw new Error('record has no id')
  const cells: Cell[] = new Array(KEYS.length)
  for (let i = 0; i < KEYS.length; i++) cells[i] = CONVERT[i]!(r[KEYS[i]!])
  return cells
}

/** An exchange_bodies row (column names as in the table). */
export interface BodyRow {
  event_id: string
  request: string | null
  response: string | null
}

/** The captured bodies that travel with these records, for the same flush. */
export function bodyRows(entries: readonly RecordEnvelope[]): BodyRow[] {
  const out: BodyRow[] = []
  for (const { record, bodies } of entries) {
    if (bodies === null || typeof record.id !== 'string') continue
    out.push({ event_id: record.id, request: str(bodies.request), response: str(bodies.response) })
  }
  return out
}
