// One flush = one SQL statement (so one transaction): insert the events ON CONFLICT (id) DO
// NOTHING, fold ONLY the rows actually inserted into usage_rollup_hourly, (those with a session)
// usage_sessions and account_limits (pg-accounts.ts, with the flush's limits readings), and
// pg_notify the id range (delivered on commit). Replays are therefore idempotent, rows, rollups,
// session totals and 429 counts alike.
// Three ways to ship the rows (scripts/bench/ingest.ts compares them): 'json' (the default: one
// JSON parameter expanded by json_to_recordset; one round trip, least proxy CPU), 'copy' (COPY
// into a temp table, then INSERT … SELECT; least Postgres CPU), 'values' (multi-row INSERT).

import {
  EVENT_COLUMN_LIST,
  EVENT_COLUMNS,
  eventsFromJson,
  ident,
  ROLLUP_INPUTS,
  rollupUpsert,
  SESSION_INPUTS,
  sessionsUpsert,
  USAGE_CHANNEL,
} from '@tokentap/shared/db'
import type postgres from 'postgres'
import { ACCOUNT_INPUTS, type AccountReadingRow, accountsCte } from './pg-accounts.ts'
import type { BodyRow, Cell } from './pg-rows.ts'

export type WriteMethod = 'json' | 'values' | 'copy'

export interface WriteResult {
  /** Rows new to usage_events (duplicates of committed ids are skipped). */
  inserted: number
  firstId: string | null
  lastId: string | null
}

/** `ins` must be a CTE over usage_events' RETURNING (see RETURNING); the rollup (shared/db
 *  rollup.ts) and the session totals (sessions.ts) fold exactly the rows inserted. */
const TAIL = `
, rollup as (
  ${rollupUpsert('ins')}
)
, sessions as (
  ${sessionsUpsert('ins')}
)
select c.n as inserted, c.first_id, c.last_id,
  case when c.n > 0 then pg_notify('${USAGE_CHANNEL}',
    json_build_object('count', c.n, 'firstId', c.first_id, 'lastId', c.last_id)::text) end
from (select count(*)::int as n, min(id::text) as first_id, max(id::text) as last_id from ins) c`

const INSERT = `insert into usage_events (${EVENT_COLUMN_LIST})`
// Only what the rollup, the session totals, the account upsert and the NOTIFY need.
const RETURNED = [...new Set([...ROLLUP_INPUTS, ...SESSION_INPUTS, ...ACCOUNT_INPUTS])]
const RETURNING = `on conflict (id) do nothing returning id, ${RETURNED.map(ident).join(', ')}`

// 'json': the batch travels as one JSON array of row objects; constant SQL text, one parameter.
// raw_usage travels as JSON text inside the document and is parsed by the cast.
const JSON_SQL = `with ins as (${INSERT}
  ${eventsFromJson('$1')}
  ${RETURNING})${TAIL}`
const NAMES = EVENT_COLUMNS.map((c) => c.name)
function jsonRows(rows: Cell[][]): string {
  return JSON.stringify(
    rows.map((r) => {
      const o: Record<string, Cell> = {}
      for (let i = 0; i < NAMES.length; i++) o[NAMES[i]!] = r[i] ?? null
      return o
    }),
  )
}

// 'copy': CSV into a per-connection temp table of text columns, then the same CTE from it with
// casts. Text columns keep COPY itself from failing on data: postgres.js never settles a COPY
// that the server rejects, while a failing cast in the INSERT reports normally.
const STAGE = 'tokentap_stage'
const STAGE_SQL = `create temp table if not exists ${STAGE} (${NAMES.map((c) => `${ident(c)} text`).join(', ')}) on commit delete rows`
const COPY_SQL = `copy ${STAGE} (${EVENT_COLUMN_LIST}) from stdin (format csv)`
const FROM_STAGE_SQL = `with ins as (${INSERT}
  select ${EVENT_COLUMNS.map((c) => `${ident(c.name)}::${c.sqlType}`).join(', ')} from ${STAGE}
  ${RETURNING})${TAIL}`

// 'values': one parameter per column and row (and two more: bodies, readings); Postgres allows
// 65,535 per statement.
export const VALUES_MAX_ROWS = Math.floor((65535 - 2) / EVENT_COLUMNS.length)

type Row = { inserted: number; first_id: string | null; last_id: string | null }
const result = (rows: Row[]): WriteResult => ({
  inserted: rows[0]?.inserted ?? 0,
  firstId: rows[0]?.first_id ?? null,
  lastId: rows[0]?.last_id ?? null,
})

const NEEDS_QUOTES = /[",\r\n]/
/** CSV for COPY: NULL is an empty field, '' a quoted empty string. */
function csv(rows: Cell[][]): string {
  let out = ''
  for (const r of rows) {
    let line = ''
    for (let i = 0; i < r.length; i++) {
      const v = r[i]
      if (i > 0) line += ','
      if (v === null || v === undefined) continue
      if (typeof v !== 'string') line += v
      else if (v === '' || NEEDS_QUOTES.test(v)) line += `"${v.replaceAll('"', '""')}"`
      else line += v
    }
    out += `${line}\n`
  }
  return out
}

/** Captured bodies (exchange_bodies) ride in the same statement, one JSON parameter; only those
 *  of events this statement inserted are kept, so replays stay idempotent. */
const bodiesCte = (param: string): string => `
, bodies as (
  insert into exchange_bodies (event_id, request, response)
  select b.event_id, b.request, b.response
  from json_to_recordset(${param}::text::json) as b(event_id uuid, request text, response text)
  join ins on ins.id = b.event_id
  on conflict (event_id) do nothing
)`
/** `text` (ending in TAIL) with more CTEs before its TAIL. */
const withCtes = (text: string, ...ctes: string[]): string =>
  text.slice(0, text.length - TAIL.length) + ctes.join('') + TAIL
const withBodies = (text: string, param: string): string => withCtes(text, bodiesCte(param))
// Every statement folds into account_limits too; its readings are the last parameter.
const JSON_ACCOUNTS_SQL = withCtes(JSON_SQL, accountsCte('$2'))
const JSON_BODIES_SQL = withCtes(JSON_SQL, bodiesCte('$2'), accountsCte('$3'))
const FROM_STAGE_ACCOUNTS_SQL = withCtes(FROM_STAGE_SQL, accountsCte('$1'))
const FROM_STAGE_BODIES_SQL = withCtes(FROM_STAGE_SQL, bodiesCte('$1'), accountsCte('$2'))

async function viaCopy(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
  readings: string,
): Promise<WriteResult> {
  return sql.begin(async (tx) => {
    await tx.unsafe(STAGE_SQL)
    const stream = await tx.unsafe(COPY_SQL).writable()
    await new Promise<void>((resolve, reject) => {
      stream.on('error', reject)
      stream.on('finish', resolve)
      stream.end(csv(rows))
    })
    if (bodies === null) {
      return result(await tx.unsafe<Row[]>(FROM_STAGE_ACCOUNTS_SQL, [readings], { prepare: true }))
    }
    return result(
      await tx.unsafe<Row[]>(FROM_STAGE_BODIES_SQL, [bodies, readings], { prepare: true }),
    )
  })
}

async function viaValues(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
  readings: string,
): Promise<WriteResult> {
  const w = EVENT_COLUMNS.length
  const tuples = rows.map((_, i) => `(${EVENT_COLUMNS.map((_c, j) => `$${i * w + j + 1}`)})`)
  let text = `with ins as (${INSERT} values ${tuples.join(', ')} ${RETURNING})${TAIL}`
  const params: Cell[] = rows.flat()
  if (bodies !== null) {
    text = withBodies(text, `$${params.length + 1}`)
    params.push(bodies)
  }
  text = withCtes(text, accountsCte(`$${params.length + 1}`))
  params.push(readings)
  return result(await sql.unsafe<Row[]>(text, params as postgres.ParameterOrJSON<never>[]))
}

/** Writes the rows (cells from toCells) in one transaction, with their bodies and the flush's
 *  account readings (pg-accounts.ts); throws on any database error. */
export async function writeEvents(
  sql: postgres.Sql,
  rows: Cell[][],
  method: WriteMethod = 'json',
  bodyRows: BodyRow[] = [],
  readingRows: AccountReadingRow[] = [],
): Promise<WriteResult> {
  if (rows.length === 0) return { inserted: 0, firstId: null, lastId: null }
  const bodies = bodyRows.length > 0 ? JSON.stringify(bodyRows) : null
  const readings = JSON.stringify(readingRows)
  if (method === 'copy') return viaCopy(sql, rows, bodies, readings)
  if (method === 'values') {
    if (rows.length > VALUES_MAX_ROWS) throw new Error(`values: at most ${VALUES_MAX_ROWS} rows`)
    return viaValues(sql, rows, bodies, readings)
  }
  if (bodies !== null) {
    return result(
      await sql.unsafe<Row[]>(JSON_BODIES_SQL, [jsonRows(rows), bodies, readings], {
        prepare: true,
      }),
    )
  }
  return result(
    await sql.unsafe<Row[]>(JSON_ACCOUNTS_SQL, [jsonRows(rows), readings], { prepare: true }),
  )
}

/** SQLSTATE classes that blame the data, not the database: retrying cannot help. */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23)/.test(code)
}
