// One flush = one SQL statement (so one transaction): insert the events ON CONFLICT (id,
// started_at) DO NOTHING (the primary key of the partitioned table; a record's id and startedAt
// never change), fold ONLY the rows actually inserted into usage_rollup_hourly, and pg_notify the
// id range (delivered on commit). Replays are therefore idempotent, rows and rollups alike.
// Three ways to ship the rows (scripts/bench/ingest.ts compares them): 'copy' (binary COPY into
// a temp table, then that statement from it: Postgres parses no text), 'json' (one JSON
// parameter expanded by json_to_recordset; one round trip), 'values' (multi-row INSERT).

import {
  EVENT_COLUMN_LIST,
  EVENT_COLUMNS,
  eventsFromJson,
  ident,
  ROLLUP_INPUTS,
  rollupUpsert,
  USAGE_CHANNEL,
} from '@tokentap/shared/db'
import type postgres from 'postgres'
import { COPY_TYPES, encodeCopyBinary } from './pg-binary.ts'
import type { BodyRow, Cell } from './pg-rows.ts'

export type WriteMethod = 'json' | 'values' | 'copy'

export interface WriteResult {
  /** Rows new to usage_events (duplicates of committed ids are skipped). */
  inserted: number
  firstId: string | null
  lastId: string | null
}

/** `ins` must be a CTE over usage_events' RETURNING (see RETURNING); the rollup (shared/db
 *  rollup.ts) folds exactly the rows inserted. */
const TAIL = `
, rollup as (
  ${rollupUpsert('ins')}
)
select c.n as inserted, c.first_id, c.last_id,
  case when c.n > 0 then pg_notify('${USAGE_CHANNEL}',
    json_build_object('count', c.n, 'firstId', c.first_id, 'lastId', c.last_id)::text) end
from (select count(*)::int as n, min(id::text) as first_id, max(id::text) as last_id from ins) c`

const INSERT = `insert into usage_events (${EVENT_COLUMN_LIST})`
// Only what the rollup and the NOTIFY need.
const RETURNING = `on conflict (id, started_at) do nothing
  returning id, ${ROLLUP_INPUTS.map(ident).join(', ')}`

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

// 'copy': binary COPY (pg-binary.ts) into a per-connection temp table of the columns' base
// types without constraints, then the same statement from it; the INSERT applies typmods and
// NOT NULL exactly as the text methods' casts do.
const STAGE = 'tokentap_copy_stage'
const STAGE_SQL = `create temp table if not exists ${STAGE}
  (${NAMES.map((c, i) => `${ident(c)} ${COPY_TYPES[i]}`).join(', ')}) on commit delete rows`
const COPY_SQL = `copy ${STAGE} (${EVENT_COLUMN_LIST}) from stdin (format binary)`
const FROM_STAGE_SQL = `with ins as (${INSERT}
  select ${EVENT_COLUMN_LIST} from ${STAGE}
  ${RETURNING})${TAIL}`

// 'values': one parameter per column and row; Postgres allows 65,535 per statement.
export const VALUES_MAX_ROWS = Math.floor(65535 / EVENT_COLUMNS.length)

type Row = { inserted: number; first_id: string | null; last_id: string | null }
const result = (rows: Row[]): WriteResult => ({
  inserted: rows[0]?.inserted ?? 0,
  firstId: rows[0]?.first_id ?? null,
  lastId: rows[0]?.last_id ?? null,
})

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
const withBodies = (text: string, param: string): string =>
  text.slice(0, text.length - TAIL.length) + bodiesCte(param) + TAIL
const JSON_BODIES_SQL = withBodies(JSON_SQL, '$2')
const FROM_STAGE_BODIES_SQL = withBodies(FROM_STAGE_SQL, '$1')

/** The COPY's failure reaches postgres.js only through the next statement on the connection
 *  (it never settles a COPY the server rejects once the stream has ended), so the INSERT
 *  follows at once: a refused COPY makes it fail with 25P02 and the batch goes as JSON. */
async function viaCopy(
  sql: postgres.Sql,
  data: Buffer,
  bodies: string | null,
): Promise<WriteResult> {
  return sql.begin(async (tx) => {
    await tx.unsafe(STAGE_SQL)
    const stream = await tx.unsafe(COPY_SQL).writable()
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject)
      stream.write(data, (e) => (e ? reject(e) : resolve()))
    })
    stream.end()
    await new Promise((r) => setImmediate(r)) // the stream hands the end of data to the socket
    if (bodies === null)
      return result(await tx.unsafe<Row[]>(FROM_STAGE_SQL, [], { prepare: true }))
    return result(await tx.unsafe<Row[]>(FROM_STAGE_BODIES_SQL, [bodies], { prepare: true }))
  })
}

/** A COPY that Postgres refused (or that postgres.js would not start): retried as JSON. */
function copyRefused(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === '25P02' || code === 'COPY_IN_PROGRESS'
}

async function viaValues(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
): Promise<WriteResult> {
  const w = EVENT_COLUMNS.length
  const tuples = rows.map((_, i) => `(${EVENT_COLUMNS.map((_c, j) => `$${i * w + j + 1}`)})`)
  let text = `with ins as (${INSERT} values ${tuples.join(', ')} ${RETURNING})${TAIL}`
  const params: Cell[] = rows.flat()
  if (bodies !== null) {
    text = withBodies(text, `$${rows.length * w + 1}`)
    params.push(bodies)
  }
  return result(await sql.unsafe<Row[]>(text, params as postgres.ParameterOrJSON<never>[]))
}

/** Writes the rows (cells from toCells) in one transaction; throws on any database error. */
export async function writeEvents(
  sql: postgres.Sql,
  rows: Cell[][],
  method: WriteMethod = 'json',
  bodyRows: BodyRow[] = [],
): Promise<WriteResult> {
  if (rows.length === 0) return { inserted: 0, firstId: null, lastId: null }
  const bodies = bodyRows.length > 0 ? JSON.stringify(bodyRows) : null
  if (method === 'copy') {
    const data = encodeCopyBinary(rows)
    if (data !== null) {
      try {
        return await viaCopy(sql, data, bodies)
      } catch (e) {
        if (!copyRefused(e)) throw e
      }
    }
    return viaJson(sql, rows, bodies)
  }
  if (method === 'values') {
    if (rows.length > VALUES_MAX_ROWS) throw new Error(`values: at most ${VALUES_MAX_ROWS} rows`)
    return viaValues(sql, rows, bodies)
  }
  return viaJson(sql, rows, bodies)
}

async function viaJson(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
): Promise<WriteResult> {
  if (bodies !== null) {
    return result(
      await sql.unsafe<Row[]>(JSON_BODIES_SQL, [jsonRows(rows), bodies], { prepare: true }),
    )
  }
  return result(await sql.unsafe<Row[]>(JSON_SQL, [jsonRows(rows)], { prepare: true }))
}

/** SQLSTATE classes that blame the data, not the database: retrying cannot help. */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23)/.test(code)
}
