// Postgres sink against a real database: exact columns, exact rollups, NOTIFY, batch triggers,
// idempotent replays, spill when the queue is full, and bad records set aside.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { USAGE_CHANNEL as SCHEMA_CHANNEL } from '../../../../packages/shared/src/db/schema.ts'
import { type TestDatabase, testDatabase } from '../../../../scripts/test-db/index.ts'
import { makeRecords, type PricedRecord } from '../../../../scripts/test-db/records.ts'
import {
  captureLog,
  expectExactlyOnce,
  expectRollupsMatchEvents,
  waitFor,
} from '../../test/storage/helpers.ts'
import { silentLogger } from '../log.ts'
import { EVENT_COLUMNS } from './pg-rows.ts'
import { USAGE_CHANNEL } from './pg-write.ts'
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
const reset = () => db.sql`truncate usage_events, usage_rollup_hourly, exchange_bodies`

/** The row as the record would have it (postgres.js returns int8/numeric as strings). */
function rowToRecord(row: Record<string, unknown>): PricedRecord {
  const n = (v: unknown): number | null => (v === null ? null : Number(v))
  return {
    id: row.id as string,
    // drizzle(sql) (run by migrateDatabase) makes postgres.js hand timestamps back as text.
    startedAt: new Date(row.started_at as string).toISOString(),
    durationMs: row.duration_ms as number,
    ttfbMs: row.ttfb_ms as number | null,
    provider: row.provider as string,
    host: row.host as string,
    method: row.method as string,
    path: row.path as string,
    endpoint: row.endpoint as string | null,
    model: row.model as string | null,
    stream: row.stream as boolean,
    transport: row.transport as UsageRecord['transport'],
    status: row.status as number | null,
    outcome: row.outcome as UsageRecord['outcome'],
    usageSource: row.usage_source as UsageRecord['usageSource'],
    billable: row.billable as boolean,
    responseId: row.response_id as string | null,
    user: row.user as string | null,
    project: row.project as string | null,
    program: row.program as string | null,
    requestBytes: Number(row.request_bytes),
    responseBytes: Number(row.response_bytes),
    error: row.error as string | null,
    parseError: row.parse_error as string | null,
    inputTokens: n(row.input_tokens),
    outputTokens: n(row.output_tokens),
    cacheReadTokens: n(row.cache_read_tokens),
    cacheWrite5mTokens: n(row.cache_write_5m_tokens),
    cacheWrite1hTokens: n(row.cache_write_1h_tokens),
    reasoningTokens: n(row.reasoning_tokens),
    rawUsage: row.raw_usage,
    costUsd: n(row.cost_usd),
    credits: n(row.credits),
    priceSource: row.price_source as string | null,
    priceVersion: row.price_version as string | null,
  }
}

describe('postgres sink', () => {
  test('the sink writes every usage_events column but recorded_at, with matching types', async () => {
    const cols = await db.sql<{ column_name: string; udt_name: string }[]>`
      select column_name, udt_name from information_schema.columns
      where table_name = 'usage_events' and column_name <> 'recorded_at' order by ordinal_position`
    const udt: Record<string, string> = { integer: 'int4', bigint: 'int8', boolean: 'bool' }
    expect(cols.map((c) => [c.column_name, c.udt_name])).toEqual(
      EVENT_COLUMNS.map(([c, t]) => [c, udt[t] ?? t]),
    )
  })

  test.each(['copy', 'json', 'values'] as const)(
    '1,234 records via %s: exact rows, exact rollups',
    async (method) => {
      await reset()
      const records = makeRecords(1234, { seed: 42, mixed: 0.3 })
      const s = sink({ batchSize: 100, method })
      for (const r of records) s.write(r)
      await s.close()
      expect(s.pending()).toBe(0)
      const rows = await db.sql`select * from usage_events order by id`
      const byId = new Map(records.map((r) => [r.id, r]))
      expect(rows.length).toBe(1234)
      for (const row of rows) expect(rowToRecord(row)).toEqual(byId.get(row.id as string)!)
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

  test('the NOTIFY channel is the one the schema module names', () => {
    expect(USAGE_CHANNEL).toBe(SCHEMA_CHANNEL)
  })

  test.each(['copy', 'json', 'values'] as const)('awkward text survives %s', async (method) => {
    await reset()
    const nasty = 'a "quoted", comma\nnew line\r\ttab \\ back, émoji 🎉, nul\0, lone \ud800.'
    const [r] = makeRecords(1, { seed: 12 })
    const rec = { ...r!, error: nasty, path: '', rawUsage: { s: nasty, n: [1, null] } }
    const s = sink({ method })
    s.write(rec)
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
      for (const r of records) s.write(r)
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
    for (const r of makeRecords(250, { seed: 6 })) s.write(r)
    await waitFor('two batches', () => flushed.length === 2)
    expect(flushed).toEqual([100, 100])
    expect(s.pending()).toBe(50) // a partial batch waits for the interval (or close)
    await s.close()
    expect(flushed.reduce((a, b) => a + b)).toBe(250)
  })

  test('a partial batch flushes when the interval passes', async () => {
    await reset()
    const flushed: number[] = []
    const s = sink({ batchSize: 1000, intervalMs: 20, onFlushed: (f) => flushed.push(f.count) })
    for (const r of makeRecords(10, { seed: 7 })) s.write(r)
    await waitFor('interval flush', () => flushed.length === 1)
    expect(flushed).toEqual([10])
    await s.close()
  })

  test('replaying the same records twice duplicates neither rows nor rollups', async () => {
    await reset()
    const records = makeRecords(300, { seed: 8 })
    const first = sink({ batchSize: 64 })
    for (const r of records) first.write(r)
    await first.close()
    const extra = makeRecords(50, { seed: 9 })
    const second = sink({ batchSize: 64 })
    for (const r of [...records, ...extra]) second.write(r)
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
    for (const r of records) s.write(r) // synchronous burst: most of it overflows the queue
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
    for (const r of [...records, bad]) s.write(r)
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
})
