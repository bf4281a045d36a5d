// The writer's side of usage_events' monthly partitions (shared/db partitions.ts): before a
// flush, every row's month must have its partition. Known months are cached, so a flush costs a
// string check per row; a new month (a month boundary, an old spool replayed, a skewed clock)
// costs one advisory-locked CREATE + ATTACH. If Postgres still refuses a row for want of a
// partition (a started_at the cache could not read, a month retention dropped meanwhile), the
// months are asked of Postgres itself, made, and the batch written again: no record is ever
// set aside or lost for want of a partition.

import {
  EVENT_COLUMNS,
  ensurePartitions,
  isMissingPartition,
  type Month,
  monthOfTimestamp,
  monthsOfTimestamps,
} from '@tokentap/shared/db'
import type postgres from 'postgres'
import type { AccountReadingRow } from './pg-accounts.ts'
import type { BodyRow, Cell } from './pg-rows.ts'
import { type WriteMethod, type WriteResult, writeEvents } from './pg-write.ts'

const STARTED_AT = EVENT_COLUMNS.findIndex((c) => c.key === 'startedAt')

export interface PartitionKeeper {
  /** Makes the partitions of the rows' months that are not known to exist. */
  ensureFor(rows: readonly Cell[][]): Promise<void>
  /** After a refusal for want of a partition: the rows' months as Postgres reads them, made. */
  repair(rows: readonly Cell[][]): Promise<void>
}

export function createPartitionKeeper(sql: postgres.Sql): PartitionKeeper {
  const known = new Set<Month>()
  const make = async (months: Iterable<Month>): Promise<void> => {
    const list = [...months]
    await ensurePartitions(sql, list)
    for (const m of list) known.add(m)
  }
  return {
    async ensureFor(rows) {
      const missing = new Set<Month>()
      for (const r of rows) {
        const v = r[STARTED_AT]
        const m = typeof v === 'string' ? monthOfTimestamp(v) : null
        if (m !== null && !known.has(m)) missing.add(m)
      }
      if (missing.size > 0) await make(missing)
    },
    async repair(rows) {
      known.clear() // retention may have dropped a month the cache still holds
      const texts = rows.flatMap((r) => (typeof r[STARTED_AT] === 'string' ? [r[STARTED_AT]] : []))
      await make(await monthsOfTimestamps(sql, texts as string[]))
    },
  }
}

/** writeEvents with the rows' partitions made first, and once more after a refusal. A second
 *  refusal is reported as a database failure (the batch spools), never as bad data. */
export async function writePartitioned(
  sql: postgres.Sql,
  keeper: PartitionKeeper,
  rows: Cell[][],
  method: WriteMethod,
  bodies: BodyRow[],
  readings: AccountReadingRow[] = [],
): Promise<WriteResult> {
  await keeper.ensureFor(rows)
  try {
    return await writeEvents(sql, rows, method, bodies, readings)
  } catch (e) {
    if (!isMissingPartition(e)) throw e
  }
  await keeper.repair(rows)
  try {
    return await writeEvents(sql, rows, method, bodies, readings)
  } catch (e) {
    if (!isMissingPartition(e)) throw e
    throw new Error(`usage_events: no partition for a row even after making its month: ${e}`)
  }
}
