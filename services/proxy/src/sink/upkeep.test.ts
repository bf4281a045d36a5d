// Partition upkeep against a real database, on an injected clock: months ahead made; with a
// retention horizon, whole expired months dropped with their captured bodies while rollups,
// session totals, account rows, budget spend and breakdowns stay exactly as they were; one proxy
// at a time; an interrupted pass finished.

import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { budgetBreakdown, budgetSpend } from '@tokentap/shared/budgets'
import { listPartitions, RETENTION_LOCK_KEY } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import type postgres from 'postgres'
import { silentLogger } from '../log.ts'
import { createPostgresSink } from './postgres.ts'
import { startPartitionUpkeep } from './upkeep.ts'

const dbs: TestDatabase[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

const NOW = Date.parse('2026-03-10T12:00:00Z')
const JAN = makeRecords(60, {
  seed: 41,
  startMs: Date.parse('2026-01-03T00:00:00Z'),
  spanMs: 25 * 86_400_000,
})
const FEB = makeRecords(60, {
  seed: 42,
  startMs: Date.parse('2026-02-02T00:00:00Z'),
  spanMs: 25 * 86_400_000,
})
const MAR = makeRecords(30, {
  seed: 43,
  startMs: Date.parse('2026-03-01T00:00:00Z'),
  spanMs: 8 * 86_400_000,
})

/** A database holding three months of events, every fifth with captured bodies. */
async function filled(): Promise<TestDatabase> {
  const db = await testDatabase()
  dbs.push(db)
  const spoolDir = mkdtempSync(join(tmpdir(), 'tokentap-spool-'))
  dirs.push(spoolDir)
  const sink = createPostgresSink({ sql: db.sql, spoolDir, log: silentLogger, batchSize: 50 })
  for (const [i, record] of [...JAN, ...FEB, ...MAR].entries()) {
    const bodies = i % 5 === 0 ? { request: `req ${i}`, response: `res ${i}` } : null
    sink.write({ record, bodies })
  }
  await sink.close()
  return db
}

const ids = async (sql: postgres.Sql, table: 'usage_events' | 'exchange_bodies') =>
  (
    await sql.unsafe<{ id: string }[]>(
      `select ${table === 'usage_events' ? 'id' : 'event_id'}::text as id from ${table} order by 1`,
    )
  ).map((r) => r.id)
const rollup = async (sql: postgres.Sql): Promise<unknown[]> =>
  (
    await sql<{ j: unknown }[]>`select to_jsonb(r) as j from usage_rollup_hourly r
      order by "hour", provider, model, "user", project, program`
  ).map((r) => r.j)
const table = async (sql: postgres.Sql, name: 'usage_sessions' | 'account_limits') =>
  (await sql.unsafe<{ j: unknown }[]>(`select to_jsonb(t) as j from ${name} t order by 1`)).map(
    (r) => r.j,
  )
const sorted = (rs: UsageRecord[]): string[] => rs.map((r) => r.id).sort()
const bodied = (rs: UsageRecord[], offset: number): string[] =>
  rs.flatMap((r, i) => ((i + offset) % 5 === 0 ? [r.id] : [])).sort()
const JANUARY = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-02-01T00:00:00Z') }
const QUARTER = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') }

describe('partition upkeep', () => {
  test('retention drops whole expired months and their bodies; rollups and spend unchanged', async () => {
    const db = await filled()
    const before = {
      rollup: await rollup(db.sql),
      january: await budgetSpend(db.sql, { scope: {} }, JANUARY),
      quarter: await budgetSpend(db.sql, { scope: { user: 'alice' } }, QUARTER),
      byUser: await budgetBreakdown(db.sql, { scope: {} }, QUARTER, 10),
      sessions: await table(db.sql, 'usage_sessions'),
      accounts: await table(db.sql, 'account_limits'),
    }
    expect(before.january.requests).toBe(60)
    expect(before.sessions.length).toBeGreaterThan(0)
    expect(before.accounts.length).toBeGreaterThan(0)

    // 32 days before March 10th is February 6th: January has wholly expired, February not.
    const upkeep = startPartitionUpkeep({
      sql: db.sql,
      retentionDays: 32,
      now: () => NOW,
      firstDelayMs: 3_600_000,
    })
    const pass = await upkeep.runOnce()
    upkeep.stop()
    expect(pass.skipped).toBe(false)
    expect(pass.dropped).toEqual([{ month: '2026-01', bodies: 12 }])
    expect(pass.made).toEqual(['2026-04', '2026-05', '2026-06'])

    expect(await ids(db.sql, 'usage_events')).toEqual(sorted([...FEB, ...MAR]))
    expect(await ids(db.sql, 'exchange_bodies')).toEqual(
      [...bodied(FEB, JAN.length), ...bodied(MAR, JAN.length + FEB.length)].sort(),
    )
    expect(await rollup(db.sql)).toEqual(before.rollup)
    expect(await budgetSpend(db.sql, { scope: {} }, JANUARY)).toEqual(before.january)
    expect(await budgetSpend(db.sql, { scope: { user: 'alice' } }, QUARTER)).toEqual(before.quarter)
    expect(await budgetBreakdown(db.sql, { scope: {} }, QUARTER, 10)).toEqual(before.byUser)
    expect(await table(db.sql, 'usage_sessions')).toEqual(before.sessions)
    expect(await table(db.sql, 'account_limits')).toEqual(before.accounts)
    expect((await listPartitions(db.sql)).map((p) => p.month)).not.toContain('2026-01')

    // The next pass finds nothing more to drop.
    expect((await upkeep.runOnce()).dropped).toEqual([])
  })

  test('without a horizon nothing is dropped; months ahead are made', async () => {
    const db = await filled()
    const upkeep = startPartitionUpkeep({
      sql: db.sql,
      retentionDays: null,
      now: () => NOW,
      firstDelayMs: 3_600_000,
    })
    const pass = await upkeep.runOnce()
    upkeep.stop()
    expect(pass).toEqual({ made: ['2026-04', '2026-05', '2026-06'], dropped: [], skipped: false })
    expect(await ids(db.sql, 'usage_events')).toEqual(sorted([...JAN, ...FEB, ...MAR]))
  })

  test('one proxy at a time: while another holds the retention lock, this one skips', async () => {
    const db = await filled()
    const other = await db.sql.reserve()
    await other`select pg_advisory_lock(${RETENTION_LOCK_KEY}::bigint)`
    const upkeep = startPartitionUpkeep({
      sql: db.sql,
      retentionDays: 32,
      now: () => NOW,
      firstDelayMs: 3_600_000,
    })
    try {
      const pass = await upkeep.runOnce()
      expect(pass).toMatchObject({ dropped: [], skipped: true })
      expect(await ids(db.sql, 'usage_events')).toHaveLength(150)
    } finally {
      await other`select pg_advisory_unlock(${RETENTION_LOCK_KEY}::bigint)`
      other.release()
    }
    expect((await upkeep.runOnce()).dropped.map((d) => d.month)).toEqual(['2026-01'])
    upkeep.stop()
  })

  test('a pass interrupted after the detach is finished by the next one, bodies included', async () => {
    const db = await filled()
    await db.sql`alter table usage_events detach partition usage_events_2026_01`
    const upkeep = startPartitionUpkeep({
      sql: db.sql,
      retentionDays: 32,
      now: () => NOW,
      firstDelayMs: 3_600_000,
    })
    const pass = await upkeep.runOnce()
    upkeep.stop()
    expect(pass.dropped).toEqual([{ month: '2026-01', bodies: 12 }])
    const [t] = await db.sql<
      { e: boolean }[]
    >`select to_regclass('usage_events_2026_01') is not null as e`
    expect(t?.e).toBe(false)
  })
})
