// One flush = one transaction: the events go into usage_events exactly once (the primary key
// (id, started_at) of the partitioned table; a record's id and startedAt never change), ONLY the
// rows this flush inserted are folded into usage_rollup_hourly, (those with a session)
// usage_sessions and account_limits (pg-accounts.ts, with the flush's limits readings), and
// pg_notify announces their id range (delivered on commit). Replays are therefore idempotent:
// rows, rollups, session totals and 429 counts alike.
// Three ways to ship the rows (scripts/bench/ingest.ts compares them):
// - 'json' (the sink's default): one statement, INSERT … ON CONFLICT (id, started_at) DO NOTHING
//   from one JSON parameter expanded by json_to_recordset; the rollup folds what RETURNING
//   returns.
// - 'copy': binary COPY (pg-binary.ts) straight into usage_events, so Postgres parses no text
//   and inserts in bulk; the rows are then read back by (id, started_at) for the rollup and the
//   NOTIFY. COPY has no ON CONFLICT: a row already stored (a replay) makes it fail, and that
//   batch goes as 'json', which skips such rows. Faster, but not the default: see
//   postgres-types.ts `method`.
// - 'values': the same statement from a multi-row VALUES list.

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
import { encodeCopyBinary } from './pg-binary.ts'
import type { BodyRow, Cell } from './pg-rows.ts'

export type WriteMethod = 'json' | 'values' | 'copy'

export interface WriteResult {
  /** Rows new to usage_events (duplicates of committed ids are skipped). */
  inserted: number
  firstId: string | null
  lastId: string | null
  /** How the rows went ('copy' falls back to 'json' for a batch COPY could not take whole). */
  via: WriteMethod
}

/** After the CTE `ins` (the rows this flush inserted — RETURNING, or COPY's rows read back —
 *  with RETURNED): their captured bodies when `bodies` names the JSON parameter, the rollup
 *  (shared/db rollup.ts) and session totals (sessions.ts) of exactly those rows, the
 *  account_limits upsert with the readings (JSON parameter `readings`), and the NOTIFY.
 *  `expect` names the parameter holding how many rows `ins` must have: fewer fail the
 *  statement. */
function tail(opts: { readings: string; bodies?: string; expect?: string }): string {
  const check = opts.expect
    ? `, case when c.n <> ${opts.expect}::int then ('tokentap: COPY rows not read back: ' || c.n)::int end`
    : ''
  return `${opts.bodies ? bodiesCte(opts.bodies) : ''}${accountsCte(opts.readings)}
, rollup as (
  ${rollupUpsert('ins')}
)
, sessions as (
  ${sessionsUpsert('ins')}
)
select c.n as inserted, c.first_id, c.last_id,
  case when c.n > 0 then pg_notify('${USAGE_CHANNEL}',
    json_build_object('count', c.n, 'firstId', c.first_id, 'lastId', c.last_id)::text) end${check}
from (select count(*)::int as n, min(id::text) as first_id, max(id::text) as last_id from ins) c`
}

/** Captured bodies (exchange_bodies) ride in the same statement, one JSON parameter; only those
 *  of events this statement inserted are kept, so replays stay idempotent. */
function bodiesCte(param: string): string {
  return `
, bodies as (
  insert into exchange_bodies (event_id, request, response)
  select b.event_id, b.request, b.response
  from json_to_recordset(${param}::text::json) as b(event_id uuid, request text, response text)
  join ins on ins.id = b.event_id
  on conflict (event_id) do nothing
)`
}

const INSERT = `insert into usage_events (${EVENT_COLUMN_LIST})`
// Only what the rollup, the session totals, the account upsert and the NOTIFY need.
const RETURNED = [...new Set([...ROLLUP_INPUTS, ...SESSION_INPUTS, ...ACCOUNT_INPUTS])].filter(
  (c) => c !== 'id',
)
const RETURNING = `on conflict (id, started_at) do nothing
  returning id, ${RETURNED.map(ident).join(', ')}`

// 'json': the batch travels as one JSON array of row objects; constant SQL text, one parameter.
// raw_usage travels as JSON text inside the document and is parsed by the cast.
const JSON_INS = `with ins as (${INSERT}
  ${eventsFromJson('$1')}
  ${RETURNING})`
const JSON_SQL = JSON_INS + tail({ readings: '$2' })
const JSON_BODIES_SQL = JSON_INS + tail({ readings: '$2', bodies: '$3' })
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

// 'copy': the rows COPY inserted, read back by key. LATERAL keeps it one primary-key probe per
// row, in the one partition the row's started_at selects (run-time pruning), whatever the plan.
const COPY_SQL = `copy usage_events (${EVENT_COLUMN_LIST}) from stdin (format binary)`
const READ_BACK_INS = `with ins as (
  select e.id, ${RETURNED.map((c) => `e.${ident(c)}`).join(', ')}
  from unnest($1::uuid[], $2::timestamptz[]) as k(id, started_at)
  cross join lateral (select * from usage_events u
    where u.id = k.id and u.started_at = k.started_at) e
)`
const READ_BACK_SQL = READ_BACK_INS + tail({ expect: '$3', readings: '$4' })
const READ_BACK_BODIES_SQL = READ_BACK_INS + tail({ expect: '$3', readings: '$4', bodies: '$5' })
const ID = EVENT_COLUMNS.findIndex((c) => c.key === 'id')
const STARTED_AT = EVENT_COLUMNS.findIndex((c) => c.key === 'startedAt')
/** A Postgres array literal of strings that need no quoting (uuids, ISO timestamps). */
const arrayOf = (rows: Cell[][], i: number): string => `{${rows.map((r) => r[i]).join(',')}}`

// 'values': one parameter per column and row (and two more: readings, bodies); Postgres allows
// 65,535 per statement.
export const VALUES_MAX_ROWS = Math.floor((65535 - 2) / EVENT_COLUMNS.length)

type Row = { inserted: number; first_id: string | null; last_id: string | null }
const result = (rows: Row[], via: WriteMethod): WriteResult => ({
  inserted: rows[0]?.inserted ?? 0,
  firstId: rows[0]?.first_id ?? null,
  lastId: rows[0]?.last_id ?? null,
  via,
})

/** The COPY's rows were not all read back: the transaction was rolled back. */
class CopyNotUsable extends Error {}

/** Two round trips: BEGIN with the start of the COPY, then the data, the read-back and COMMIT
 *  together. postgres.js settles a COPY the server rejects only through the next statement on
 *  the connection (awaiting the stream's end would wait forever), which is the read-back: a
 *  refused COPY makes it fail with 25P02, and the COMMIT behind it ends in a rollback. So does a
 *  read-back that misses a row COPY inserted (its cast error below), so no flush commits rows
 *  without their rollup. */
async function viaCopy(
  sql: postgres.Sql,
  rows: Cell[][],
  data: Buffer,
  bodies: string | null,
  readings: string,
): Promise<WriteResult> {
  const c = await sql.reserve()
  let open = false
  try {
    const begun = c`begin`.execute() // sent now, ahead of the COPY
    open = true
    const stream = await c.unsafe(COPY_SQL).writable()
    await begun
    await new Promise<void>((resolve, reject) => {
      stream.once('error', reject)
      stream.write(data, (e) => (e ? reject(e) : resolve()))
    })
    stream.end()
    await new Promise((r) => setImmediate(r)) // the stream hands the end of data to the socket
    const keys = [arrayOf(rows, ID), arrayOf(rows, STARTED_AT), rows.length, readings]
    const readBack = (
      bodies === null
        ? c.unsafe<Row[]>(READ_BACK_SQL, keys, { prepare: true })
        : c.unsafe<Row[]>(READ_BACK_BODIES_SQL, [...keys, bodies], { prepare: true })
    ).execute()
    const [read, commit] = await Promise.allSettled([readBack, c`commit`.execute()])
    open = commit.status === 'rejected'
    if (read.status === 'rejected') throw read.reason
    if (commit.status === 'rejected') throw commit.reason
    // COMMIT of a failed transaction answers ROLLBACK.
    if (commit.value.command !== 'COMMIT') throw new CopyNotUsable('COPY rolled back')
    return result(read.value, 'copy')
  } finally {
    if (open) await c`rollback`.catch(() => undefined)
    c.release()
  }
}

/** A COPY the server answered but did not take whole (a replayed row, a month without a
 *  partition, a value it refused): the batch goes as JSON, whose errors say what is wrong.
 *  Connection failures are not caught here: the batch spools. */
function copyRefused(e: unknown): boolean {
  const x = e as { name?: unknown; code?: unknown } | null
  return e instanceof CopyNotUsable || x?.name === 'PostgresError' || x?.code === 'COPY_IN_PROGRESS'
}

async function viaJson(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
  readings: string,
): Promise<WriteResult> {
  const params = [jsonRows(rows), readings]
  if (bodies !== null) params.push(bodies)
  const text = bodies === null ? JSON_SQL : JSON_BODIES_SQL
  return result(await sql.unsafe<Row[]>(text, params, { prepare: true }), 'json')
}

async function viaValues(
  sql: postgres.Sql,
  rows: Cell[][],
  bodies: string | null,
  readings: string,
): Promise<WriteResult> {
  const w = EVENT_COLUMNS.length
  const n = rows.length * w
  const tuples = rows.map((_, i) => `(${EVENT_COLUMNS.map((_c, j) => `$${i * w + j + 1}`)})`)
  const params: Cell[] = [...rows.flat(), readings]
  if (bodies !== null) params.push(bodies)
  const text = `with ins as (${INSERT} values ${tuples.join(', ')} ${RETURNING})${tail(
    bodies === null ? { readings: `$${n + 1}` } : { readings: `$${n + 1}`, bodies: `$${n + 2}` },
  )}`
  return result(
    await sql.unsafe<Row[]>(text, params as postgres.ParameterOrJSON<never>[]),
    'values',
  )
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
  if (rows.length === 0) return { inserted: 0, firstId: null, lastId: null, via: method }
  const bodies = bodyRows.length > 0 ? JSON.stringify(bodyRows) : null
  const readings = JSON.stringify(readingRows)
  if (method === 'copy') {
    const data = encodeCopyBinary(rows)
    if (data !== null) {
      try {
        return await viaCopy(sql, rows, data, bodies, readings)
      } catch (e) {
        if (!copyRefused(e)) throw e
      }
    }
    return viaJson(sql, rows, bodies, readings)
  }
  if (method === 'values') {
    if (rows.length > VALUES_MAX_ROWS) throw new Error(`values: at most ${VALUES_MAX_ROWS} rows`)
    return viaValues(sql, rows, bodies, readings)
  }
  return viaJson(sql, rows, bodies, readings)
}

/** SQLSTATE classes that blame the data, not the database: retrying cannot help. */
export function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return typeof code === 'string' && /^(22|23)/.test(code)
}
