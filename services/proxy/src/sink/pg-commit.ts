// One batch into Postgres, or an error (postgres.ts spools the batch then): rows built from the
// records, each row's monthly partition made first (partitions.ts), one statement per batch
// (pg-write.ts). Records Postgres refuses as data errors are retried one by one and set aside
// beside the spool, so one bad record cannot wedge a batch; what cannot be set aside throws.

import { errorText } from '@tokentap/shared'
import type postgres from 'postgres'
import type { Logger } from '../log.ts'
import { timeout } from './async.ts'
import { createPartitionKeeper, writePartitioned } from './partitions.ts'
import { type AccountReadingRow, accountReadingRows } from './pg-accounts.ts'
import { type BodyRow, bodyRows, type Cell, toCells } from './pg-rows.ts'
import { isDataError, type WriteMethod } from './pg-write.ts'
import type { FlushInfo } from './postgres-types.ts'
import type { RecordEnvelope } from './sink.ts'
import type { Spool } from './spool.ts'

export interface CommitterDeps {
  sql: postgres.Sql
  log: Logger
  spool: Spool
  method: WriteMethod
  flushTimeoutMs: number
  onFlushed?: (info: FlushInfo) => void
}

export interface Committer {
  /** Commits records or throws (database unreachable/erroring). */
  commit(entries: RecordEnvelope[]): Promise<void>
  /** Writes lines to corrupt-<ts>.jsonl beside the spool; false if even that failed. */
  setAside(lines: string[], why: string): Promise<boolean>
  /** Running totals (the sink's metrics read them live). */
  readonly counts: { recordsWritten: number; recordsInserted: number; recordsCorrupt: number }
}

export function createCommitter(deps: CommitterDeps): Committer {
  const { sql, log, spool, method, flushTimeoutMs } = deps
  const partitions = createPartitionKeeper(sql)
  const m = { recordsWritten: 0, recordsInserted: 0, recordsCorrupt: 0 }

  /** Writes lines to corrupt-<ts>.jsonl beside the spool; false if even that failed. */
  async function setAside(lines: string[], why: string): Promise<boolean> {
    if (lines.length === 0) return true
    try {
      const path = await spool.setAside(lines)
      m.recordsCorrupt += lines.length
      log.warn(`postgres sink: ${lines.length} record(s) set aside in ${path}: ${why}`)
      return true
    } catch (e) {
      log.error(
        `postgres sink: cannot set aside ${lines.length} record(s) (${why}): ${errorText(e)}`,
      )
      return false
    }
  }

  async function write(
    rows: Cell[][],
    how = method,
    bodies: BodyRow[] = [],
    readings: AccountReadingRow[] = [],
  ): Promise<void> {
    const res = await timeout(
      writePartitioned(sql, partitions, rows, how, bodies, readings),
      flushTimeoutMs,
    )
    m.recordsInserted += res.inserted
    if (res.inserted > 0 && res.firstId && res.lastId && deps.onFlushed) {
      try {
        deps.onFlushed({ count: res.inserted, firstId: res.firstId, lastId: res.lastId })
      } catch (e) {
        log.error(`postgres sink: onFlushed: ${errorText(e)}`) // committed all the same
      }
    }
  }

  /** Commits records or throws (database unreachable/erroring). Records Postgres refuses as
   *  data errors are retried one by one ('json': exact error per row) and set aside, so one
   *  bad record cannot wedge a batch. */
  async function commit(entries: RecordEnvelope[]): Promise<void> {
    const rows: Cell[][] = []
    const kept: RecordEnvelope[] = []
    const bad: string[] = []
    for (const e of entries) {
      try {
        rows.push(toCells(e.record))
        kept.push(e)
      } catch (err) {
        bad.push(JSON.stringify(e.record) ?? String(e.record))
        log.warn(`postgres sink: unusable record: ${errorText(err)}`)
      }
    }
    if (!(await setAside(bad, 'record has no id'))) throw new Error('cannot set records aside')
    if (rows.length === 0) return
    try {
      await write(rows, method, bodyRows(kept), accountReadingRows(kept))
    } catch (e) {
      if (!isDataError(e)) throw e
      for (let i = 0; i < rows.length; i++) {
        try {
          await write([rows[i]!], 'json', bodyRows([kept[i]!]), accountReadingRows([kept[i]!]))
        } catch (e1) {
          if (!isDataError(e1)) throw e1
          const line = JSON.stringify(kept[i]!.record)
          if (!(await setAside([line], `postgres refused it: ${errorText(e1)}`))) throw e1
        }
      }
    }
    m.recordsWritten += kept.length
  }

  return {
    commit,
    setAside,
    get counts() {
      return { ...m }
    },
  }
}
