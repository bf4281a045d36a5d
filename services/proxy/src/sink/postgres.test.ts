// Postgres sink against a real database: exact columns, exact rollups, NOTIFY, batch triggers,
// idempotent replays, spill when the queue is full, bad records set aside, and captured bodies:
// in the record's flush, never in the spool.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { USAGE_CHANNEL } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import postgres from 'postgres'
import {
  bare,
  captureLog,
  expectExactlyOnce,
  expectRollupsMatchEvents,
  readRecords,
  waitFor,
} from '../../test/storage/helpers.ts'
import { silentLogger } from '../log.ts'
import { createPostgresSink, type FlushInfo, type PostgresSinkOptions } from './postgres.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
}, 30_000)
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await db?.drop()
})

const dirs: string[] = []
const spoolDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tokentap-spool-'))
  dirs.push(d)
  return d
}
const sink = (o: Partial<PostgresSinkOptions> = {}) =>
  createPostgresSink({ sql: db.sql, spoolDir: spoolDir(), log: silentLogger, ...o })
const reset = () =>
  db.sql`truncate usage_events, usage_rollup_hourly, usage_sessions, exchange_bodies`

describe('postgres sink', () => {
  test.each(['copy', 'json', 'values'] as const)(
    '1,234 records via %s: exact rows, exact rollups',
    async (method) => {
      await reset()
      const records = makeRecords(1234, { seed: 42, mixed: 0.3 })
      const s = sink({ batchSize: 100, method })
      for (const r of records) s.write(bare(r))
      await s.close()
      expect(s.pending()).toBe(0)
      const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1)
      expect(await readRecords(db.sql)).toEqual(records.toSorted(byId))
      await expectRollupsMatchEvents(db.sql)
      expect(s.metrics()).toMatchObject({
        recordsWritten: 1234,
        recordsInserted: 1234,
        recordsSpooled: 0,
        recordsDropped: 0,
        queueDepth: 0,
        spoolFiles: 0,
      })
    },
  )

  test.each(['copy', 'json', 'values'] as const)('awkward text survives %s', async (method) => {
    await reset()
    const nasty = 'a "quoted", comma\nnew line\r\ttab \\ back, émoji 🎉, nul\0, lone \ud800.'
    const [r] = makeRecords(1, { seed: 12 })
    const rec = { ...r!, error: nasty, path: '', rawUsage: { s: nasty, n: [1, null] } }
    const s = sink({ method })
    s.write(bare(rec))
    await s.close()
    const [row] = await db.sql`select error, path, raw_usage from usage_events`
    const clean = nasty.replace('\0', '').replace('\ud800', '\ufffd')
    expect(row).toEqual({ error: clean, path: '', raw_usage: { s: clean, n: [1, null] } })
  })

  test('NOTIFY tokentap_usage carries count and id range after each flush', async () => {
    await reset()
    const got: FlushInfo[] = []
    const listener = await db.sql.listen(USAGE_CHANNEL, (p) => got.push(JSON.parse(p)))
    try {
      const records = makeRecords(300, { seed: 5 })
      const s = sink({ batchSize: 100 })
      for (const r of records) s.write(bare(r))
      await s.close()
      await waitFor('notifications', () => got.reduce((a, g) => a + g.count, 0) >= 300)
      const ids = records.map((r) => r.id).sort()
      expect(got.reduce((a, g) => a + g.count, 0)).toBe(300)
      expect(got.map((g) => g.firstId).sort()[0]).toBe(ids[0]!)
      expect(
        got
          .map((g) => g.lastId)
          .sort()
          .at(-1),
      ).toBe(ids.at(-1)!)
      for (const g of got) expect(g.firstId <= g.lastId).toBe(true)
    } finally {
      await listener.unlisten()
    }
  })

  test('a full batch flushes without waiting for the interval', async () => {
    await reset()
    const flushed: number[] = []
    const s = sink({
      batchSize: 100,
      intervalMs: 3_600_000,
      onFlushed: (f) => flushed.push(f.count),
    })
    for (const r of makeRecords(250, { seed: 6 })) s.write(bare(r))
    await waitFor('two batches', () => flushed.length === 2)
    expect(flushed).toEqual([100, 100])
    expect(s.pending()).toBe(50) // a partial batch waits for the interval (or close)
    await s.close()
    expect(flushed.reduce((a, b) => a + b)).toBe(250)
  })

  test('a backlog goes in larger batches, up to maxBatchSize; each record once', async () => {
    await reset()
    const flushed: number[] = []
    const s = sink({
      batchSize: 10,
      maxBatchSize: 40,
      concurrency: 1,
      intervalMs: 3_600_000,
      onFlushed: (f) => flushed.push(f.count),
    })
    // The first batch leaves at 10 records; the other 90 wait behind it.
    for (const r of makeRecords(100, { seed: 8 })) s.write(bare(r))
    await waitFor('the backlog', () => flushed.reduce((a, b) => a + b, 0) === 100)
    expect(flushed).toEqual([10, 40, 40, 10])
    await s.close()
    const [n] = await db.sql<{ n: number }[]>`select count(*)::int as n from usage_events`
    expect(n?.n).toBe(100)
  })

  test('a partial batch flushes when the interval passes', async () => {
    await reset()
    const flushed: number[] = []
    const s = sink({ batchSize: 1000, intervalMs: 20, onFlushed: (f) => flushed.push(f.count) })
    for (const r of makeRecords(10, { seed: 7 })) s.write(bare(r))
    await waitFor('interval flush', () => flushed.length === 1)
    expect(flushed).toEqual([10])
    await s.close()
  })

  test('replaying the same records twice duplicates neither rows nor rollups', async () => {
    await reset()
    const records = makeRecords(300, { seed: 8 })
    const first = sink({ batchSize: 64 })
    for (const r of records) first.write(bare(r))
    await first.close()
    const extra = makeRecords(50, { seed: 9 })
    const second = sink({ batchSize: 64 })
    for (const r of [...records, ...extra]) second.write(bare(r))
    await second.close()
    expect(second.metrics()).toMatchObject({ recordsWritten: 350, recordsInserted: 50 })
    await expectExactlyOnce(
      db.sql,
      [...records, ...extra].map((r) => r.id),
    )
    await expectRollupsMatchEvents(db.sql)
  })

  test('a full queue spills to the spool and is replayed: nothing dropped or doubled', async () => {
    await reset()
    const dir = spoolDir()
    const records = makeRecords(600, { seed: 10 })
    const s = createPostgresSink({
      sql: db.sql,
      spoolDir: dir,
      log: silentLogger,
      batchSize: 20,
      maxQueue: 40,
      concurrency: 1,
    })
    for (const r of records) s.write(bare(r)) // synchronous burst: most of it overflows the queue
    await s.close()
    expect(s.metrics().recordsSpooled).toBeGreaterThan(0)
    expect(s.metrics().recordsDropped).toBe(0)
    await expectExactlyOnce(
      db.sql,
      records.map((r) => r.id),
    )
    await expectRollupsMatchEvents(db.sql)
    expect(readdirSync(dir).filter((f) => f.startsWith('spool-'))).toEqual([])
  })

  test('a record Postgres refuses is set aside; the rest of its batch is written', async () => {
    await reset()
    const dir = spoolDir()
    const log = captureLog()
    const records = makeRecords(30, { seed: 11 })
    const bad = { ...records[3]!, id: 'not-a-uuid' }
    const s = createPostgresSink({ sql: db.sql, spoolDir: dir, log, batchSize: 100 })
    for (const r of [...records, bad]) s.write(bare(r))
    await s.close()
    await expectExactlyOnce(
      db.sql,
      records.map((r) => r.id),
    )
    expect(s.metrics()).toMatchObject({ recordsCorrupt: 1, recordsWritten: 31, recordsSpooled: 0 })
    const aside = readdirSync(dir).filter((f) => f.startsWith('corrupt-'))
    expect(aside.length).toBe(1)
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toContain('not-a-uuid')
    expect(log.lines.some((l) => l.startsWith('warn') && l.includes('set aside'))).toBe(true)
  })

  test('bodies travel with their record into exchange_bodies; a spooled record is stored without them', async () => {
    await reset()
    const [a, b, c] = makeRecords(3, { seed: 13 })
    const s = sink()
    s.write({ record: a!, bodies: { request: 'PROMPT-A', response: 'ANSWER-A' } })
    s.write(bare(b!))
    s.write({ record: c!, bodies: { request: null, response: 'ANSWER-C' } })
    await s.close()
    const rows = await db.sql<{ id: string; request: string | null; response: string | null }[]>`
      select event_id::text as id, request, response from exchange_bodies order by event_id`
    expect([...rows]).toEqual(
      [
        { id: a!.id, request: 'PROMPT-A', response: 'ANSWER-A' },
        { id: c!.id, request: null, response: 'ANSWER-C' },
      ].sort((x, y) => (x.id < y.id ? -1 : 1)),
    )

    // Postgres unreachable: the record goes to the spool, its bodies do not.
    await reset()
    const dir = spoolDir()
    const down = postgres('postgres://tokentap@127.0.0.1:1/none', { max: 1, connect_timeout: 1 })
    const [d] = makeRecords(1, { seed: 14 })
    const offline = createPostgresSink({
      sql: down,
      spoolDir: dir,
      log: silentLogger,
      retryMinMs: 5,
      retryMaxMs: 10,
    })
    offline.write({ record: d!, bodies: { request: 'PROMPT-D', response: 'ANSWER-D' } })
    await offline.close()
    await down.end({ timeout: 0 })
    const spooled = readdirSync(dir).filter((f) => f.startsWith('spool-'))
    expect(spooled).toHaveLength(1)
    const text = readFileSync(join(dir, spooled[0]!), 'utf8')
    expect(JSON.parse(text)).toEqual(d!)
    expect(text).not.toContain('PROMPT-D')
    expect(text).not.toContain('ANSWER-D')
    const replay = createPostgresSink({ sql: db.sql, spoolDir: dir, log: silentLogger })
    await waitFor('the replay', () => replay.metrics().recordsReplayed === 1)
    await replay.close()
    await expectExactlyOnce(db.sql, [d!.id])
    expect(await db.sql`select 1 from exchange_bodies`).toHaveLength(0)
  })
})
