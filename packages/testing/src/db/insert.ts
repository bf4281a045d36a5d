// UsageRecords into usage_events with plain SQL, for tests and seeds: one statement, the column
// list from the drizzle schema, folded into usage_rollup_hourly and usage_sessions by the shared
// definitions (as the proxy's writer does), or left out of them. The records'
// monthly partitions are made first, as the writer makes them.

import type { UsageRecord } from '@tokentap/shared'
import {
  EVENT_COLUMN_LIST,
  EVENT_COLUMNS,
  ensurePartitions,
  eventsFromJson,
  monthOf,
  rollupUpsert,
  type Sql,
  sessionsUpsert,
} from '@tokentap/shared/db'

/** The JSON document eventsFromJson reads: one object per record, keyed by column name. */
function eventsJson(records: UsageRecord[]): string {
  return JSON.stringify(
    records.map((r) =>
      Object.fromEntries(
        EVENT_COLUMNS.map((c) => {
          const v = r[c.key] ?? c.default ?? null
          return [c.name, c.sqlType === 'jsonb' && v !== null ? JSON.stringify(v) : v]
        }),
      ),
    ),
  )
}

const INSERT = `insert into usage_events (${EVENT_COLUMN_LIST}) ${eventsFromJson('$1')}`
const INSERT_AND_ROLLUP = `with ins as (${INSERT} returning *),
  rollup as (${rollupUpsert('ins')})
  ${sessionsUpsert('ins')}`

/** Inserts records into usage_events and, unless `rollup` is false, into the rollup and the
 *  session totals. */
export async function insertRecords(
  sql: Sql,
  records: UsageRecord[],
  opts: { rollup?: boolean } = {},
): Promise<void> {
  if (records.length === 0) return
  await ensurePartitions(
    sql,
    records.map((r) => monthOf(Date.parse(r.startedAt))),
  )
  await sql.unsafe(opts.rollup === false ? INSERT : INSERT_AND_ROLLUP, [eventsJson(records)])
}
