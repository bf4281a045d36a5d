// The writer and usage_events' monthly partitions (docs/ARCHITECTURE.md §6): records across a
// month boundary and into months that have no partition yet (years behind, years ahead), into a
// month retention dropped behind the writer's back, and with a started_at only Postgres reads:
// every record written once, none set aside, rollups equal to the events.

import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { dropPartitionsBefore, listPartitions, monthStart } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { bare, expectRollupsMatchEvents, readRecords } from '../../test/storage/helpers.ts'
import { silentLogger } from '../log.ts'
import type { WriteMethod } from './pg-write.ts'
import { createPostgresSink, type PostgresSink } from './postgres.ts'

const dbs: TestDatabase[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})
const fresh = async (): Promise<TestDatabase> => {
  const d = await testDatabase()
  dbs.push(d)
  return d
}
const sinkOn = (db: TestDatabase, method: WriteMethod = 'json'): PostgresSink => {
  const spoolDir = mkdtempSync(join(tmpdir(), 'tokentap-spool-'))
  dirs.push(spoolDir)
  return createPostgresSink({ sql: db.sql, spoolDir, log: silentLogger, batchSize: 50, method })
}
const months = async (db: TestDatabase): Promise<string[]> =>
  (await listPartitions(db.sql)).map((p) => p.month)
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)

describe('the writer and monthly partitions', () => {
  test.each(['copy', 'json'] as const)(
    '%s: across a month boundary and into months without a partition, every record once',
    async (method) => {
      const db = await fresh()
      const records = [
        ...makeRecords(120, {
          seed: 31,
          startMs: Date.parse('2027-05-31T23:00:00Z'),
          spanMs: 2 * 3_600_000,
        }),
        ...makeRecords(15, { seed: 32, startMs: Date.parse('2024-02-10T12:00:00Z') }),
        ...makeRecords(15, { seed: 33, startMs: Date.parse('2031-07-01T00:00:00Z') }),
      ]
      const s = sinkOn(db, method)
      for (const r of records) s.write(bare(r))
      await s.close()
      expect(await readRecords(db.sql)).toEqual(records.toSorted(byId))
      await expectRollupsMatchEvents(db.sql)
      expect(s.metrics()).toMatchObject({
        recordsInserted: 150,
        recordsCorrupt: 0,
        recordsSpooled: 0,
      })
      expect(await months(db)).toEqual(
        expect.arrayContaining(['2024-02', '2027-05', '2027-06', '2031-07']),
      )
    },
  )

  test('a month retention dropped behind the writer is made again', async () => {
    const db = await fresh()
    const s = sinkOn(db)
    const first = makeRecords(10, { seed: 34, startMs: Date.parse('2028-03-05T00:00:00Z') })
    for (const r of first) s.write(bare(r))
    await s.flush()
    expect(
      (await dropPartitionsBefore(db.sql, monthStart('2028-04'))).map((d) => d.month),
    ).toContain('2028-03')
    // The writer still believes 2028-03 exists: Postgres refuses, the writer makes it, writes.
    const later = makeRecords(10, { seed: 35, startMs: Date.parse('2028-03-20T00:00:00Z') })
    for (const r of later) s.write(bare(r))
    await s.close()
    expect(await readRecords(db.sql)).toEqual(later.toSorted(byId))
    expect(s.metrics()).toMatchObject({ recordsInserted: 20, recordsCorrupt: 0, recordsSpooled: 0 })
  })

  test('a started_at only Postgres can place: its month is asked of Postgres', async () => {
    const db = await fresh()
    const [r] = makeRecords(1, { seed: 36 })
    // 00:30 on August 1st at +02:00 is July 31st in UTC: the 2029-07 partition.
    const rec = { ...r!, startedAt: '2029-08-01T00:30:00+02:00' }
    const s = sinkOn(db)
    s.write(bare(rec))
    await s.close()
    const rows = await db.sql<{ t: string; p: string }[]>`
      select to_char(started_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as t,
        tableoid::regclass::text as p from usage_events`
    expect([...rows]).toEqual([{ t: '2029-07-31 22:30', p: 'usage_events_2029_07' }])
    expect(s.metrics()).toMatchObject({ recordsInserted: 1, recordsCorrupt: 0, recordsSpooled: 0 })
  })
})
