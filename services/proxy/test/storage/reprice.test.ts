// `tokentap reprice` against a real Postgres (services/proxy/src/reprice): a database with
// mispriced, unpriced and stale rows of every kind — a Claude row recorded before server tool
// uses and thinking tokens were read, one recorded before its model had a price, a row without
// raw_usage, Amazon Q credits, a field-map provider, an estimated row, a count_tokens answer, a
// negotiated rate — is repriced to hand-computed costs (Anthropic's published prices:
// claude-sonnet-4-5 $3 in, $15 out, $0.30 cache read per MTok, web search $10 per 1,000; the
// TOKENTAP_PRICES file's rates below); the rollup and the session totals equal plain SQL over the
// events afterwards; a dry run writes nothing; a second run changes nothing; writers racing the reprice (one blocked
// on its locks, one free-running) leave the rollup exact.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { USAGE_CHANNEL } from '@tokentap/shared/db'
import { insertRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { mtok, usd } from '../../src/providers/testing/billing.ts'
import {
  loadRepriceTables,
  type RepriceOptions,
  type RepriceReport,
  recomputeWith,
  repriceDatabase,
} from '../../src/reprice/index.ts'
import { toCells } from '../../src/sink/pg-rows.ts'
import { writeEvents } from '../../src/sink/pg-write.ts'
import { expectRollupsMatchEvents, readRecords, waitFor } from './helpers.ts'
import { at, bulk, EXPECTED, PRICES, PROVIDERS, ROWS, rec, SONNET } from './reprice-rows.ts'

let db: TestDatabase
let dir: string
let recompute: ReturnType<typeof recomputeWith>

beforeAll(async () => {
  db = await testDatabase()
  dir = mkdtempSync(join(tmpdir(), 'tt-reprice-'))
  writeFileSync(join(dir, 'prices.json'), PRICES)
  writeFileSync(join(dir, 'providers.json'), PROVIDERS)
  recompute = recomputeWith(
    loadRepriceTables({
      TOKENTAP_PRICES: join(dir, 'prices.json'),
      TOKENTAP_PROVIDERS: join(dir, 'providers.json'),
    }),
  )
  await insertRecords(db.sql, [...Object.values(ROWS), ...bulk()])
}, 60_000)
afterAll(async () => {
  await db?.drop()
  rmSync(dir, { recursive: true, force: true })
})

const UNTIL = new Date('2026-04-02T00:00:00Z')
const run = (o: Partial<RepriceOptions> = {}): Promise<RepriceReport> =>
  repriceDatabase(db.sql, {
    since: null,
    until: UNTIL,
    model: null,
    dryRun: false,
    recompute,
    batchSize: 50,
    ...o,
  })

async function snapshot(): Promise<unknown[]> {
  const events = await db.sql.unsafe(
    `select to_jsonb(e) - 'recorded_at' as row from usage_events e order by id`,
  )
  const rollup = await db.sql.unsafe(
    `select to_jsonb(r) as row from usage_rollup_hourly r order by 1::text`,
  )
  const sessions = await db.sql.unsafe(
    `select to_jsonb(s) as row from usage_sessions s order by session`,
  )
  return [...events, ...rollup, ...sessions].map((r) => r.row)
}

const byId = async (): Promise<Map<string, UsageRecord>> =>
  new Map((await readRecords(db.sql)).map((r) => [r.id, r]))

describe('tokentap reprice', () => {
  let dry: RepriceReport

  test('a dry run reports what would change and writes nothing (not even a NOTIFY)', async () => {
    const before = await snapshot()
    const heard: string[] = []
    const listener = await db.sql.listen(USAGE_CHANNEL, (p) => heard.push(p))
    dry = await run({ dryRun: true })
    await db.sql`select pg_notify(${USAGE_CHANNEL}, 'marker')`
    await waitFor('the marker', () => heard.includes('marker'))
    await listener.unlisten()
    expect(heard).toEqual(['marker'])
    expect(await snapshot()).toEqual(before)
    expect(dry.dryRun).toBe(true)
    expect(dry.examined).toBe(Object.keys(ROWS).length + 240)
    expect(dry.changed).toBeGreaterThan(200)
    expect(dry.changed).toBeLessThan(dry.examined)
    expect(dry.failed).toBe(0)
    expect(dry.batches).toBe(Math.ceil(dry.examined / 50))
    // the Claude Sonnet rows (stale, unpriced, no raw_usage, estimated, right, count_tokens)
    const sonnet = dry.models.find((m) => m.model === SONNET)
    expect(sonnet?.examined).toBe(6)
    expect(sonnet?.changed).toBe(5)
    expect(sonnet?.before.unpriced).toBe(1)
    expect(sonnet?.after.unpriced).toBe(0)
  })

  test('every hand-picked row repriced as computed by hand; rollup equals the events', async () => {
    const heard: string[] = []
    const listener = await db.sql.listen(USAGE_CHANNEL, (p) => heard.push(p))
    const report = await run()
    expect(report.dryRun).toBe(false)
    expect(report.changed).toBe(dry.changed)
    expect(report.models).toEqual(dry.models)
    const rows = await byId()
    for (const [name, want] of Object.entries(EXPECTED)) {
      const got = rows.get(ROWS[name as keyof typeof ROWS].id)
      expect({ name, ...got }).toMatchObject({ name, ...want })
    }
    const audio = rows.get(ROWS.audio.id)
    expect(audio?.costUsd).toBeGreaterThan(0)
    expect(rows.get(ROWS.right.id)).toEqual({
      ...ROWS.right,
      rawUsage: ROWS.right.rawUsage,
    } as UsageRecord)
    await expectRollupsMatchEvents(db.sql)
    // the report's totals are the stored sums
    const [sum] = await db.sql`select coalesce(sum(cost_usd), 0)::text as usd from usage_events`
    const after = report.models.reduce((n, m) => n + m.after.costUnits, 0n)
    expect(after).toBe(BigInt(Math.round(Number(sum?.usd) * 1e8)))
    // each committed batch that changed rows told the dashboards
    await waitFor('notifications', () => heard.length > 0)
    await listener.unlisten()
    const repriced = heard.map((p) => (JSON.parse(p) as { repriced: number }).repriced)
    expect(repriced.every((n) => n > 0)).toBe(true)
  })

  test('a second run changes nothing (idempotent)', async () => {
    const before = await snapshot()
    const again = await run({ batchSize: 7 })
    expect(again.changed).toBe(0)
    expect(again.examined).toBe(dry.examined)
    expect(await snapshot()).toEqual(before)
  })

  test('--since and --model select the rows; the others stay as they are', async () => {
    const late = [
      rec({
        startedAt: at(30, 20),
        rawUsage: { input_tokens: 7, output_tokens: 1 },
        inputTokens: 7,
        outputTokens: 1,
        costUsd: 5,
      }),
      rec({
        startedAt: at(31, 20),
        model: 'claude-haiku-4-5-20251001',
        inputTokens: 1,
        costUsd: 5,
      }),
      rec({ startedAt: at(32, 8), rawUsage: null, inputTokens: 9, costUsd: 5 }),
    ]
    await insertRecords(db.sql, late)
    const r = await run({ since: new Date(at(0, 20)), model: 'CLAUDE-SONNET-*' })
    expect([r.examined, r.changed]).toEqual([1, 1])
    const rows = await byId()
    expect(rows.get(late[0]!.id)?.costUsd).toBe(usd(mtok([7, 3], [1, 15])))
    expect(rows.get(late[1]!.id)?.costUsd).toBe(5)
    expect(rows.get(late[2]!.id)?.costUsd).toBe(5)
    // `?` is one character, and LIKE's own wildcards are literal
    expect((await run({ dryRun: true, model: 'claude-haiku-4-?-2025100?' })).examined).toBe(2)
    expect((await run({ dryRun: true, model: 'claude%' })).examined).toBe(0)
    await run()
    await expectRollupsMatchEvents(db.sql)
    // what the racing run did not see, a last run reprices; then nothing is left to change
    await run({ since: new Date(at(0, 13)) })
    expect((await run({ since: new Date(at(0, 13)), dryRun: true })).changed).toBe(0)
    await expectRollupsMatchEvents(db.sql)
  }, 60_000)
})

describe('tokentap reprice when a row cannot be priced', () => {
  test('the row is left as it is, counted, and named; the others are written', async () => {
    const rows = [
      rec({ startedAt: at(1, 16), model: 'explodes', inputTokens: 1, costUsd: 3 }),
      rec({ startedAt: at(2, 16), inputTokens: 1000, costUsd: 3 }),
    ]
    await insertRecords(db.sql, rows)
    const r = await run({
      since: new Date(at(0, 16)),
      until: new Date(at(0, 17)),
      recompute: (row) => {
        if (row.model === 'explodes') throw new Error('no price for you')
        return recompute(row)
      },
    })
    expect([r.examined, r.changed, r.failed]).toEqual([2, 1, 1])
    expect(r.firstError).toBe(`${rows[0]!.id}: no price for you`)
    const stored = await byId()
    expect(stored.get(rows[0]!.id)?.costUsd).toBe(3)
    expect(stored.get(rows[1]!.id)?.costUsd).toBe(usd(mtok([1000, 3])))
    await expectRollupsMatchEvents(db.sql)
  })
})

describe('tokentap reprice while proxies write', () => {
  test('a writer blocked on a batch lock, then free-running writers: the rollup stays exact', async () => {
    // Mispriced rows in the hour and key the writers write to.
    const hour = (i: number) => new Date(Date.parse(at(0, 13)) + i * 9_000).toISOString()
    const stale = Array.from({ length: 40 }, (_, i) =>
      rec({
        startedAt: hour(i),
        rawUsage: { input_tokens: 10 + i, output_tokens: 2 },
        inputTokens: 10 + i,
        outputTokens: 2,
        costUsd: 1,
      }),
    )
    await insertRecords(db.sql, stale)
    const fresh = (i: number) =>
      toCells(
        rec({
          startedAt: hour(i),
          rawUsage: { input_tokens: 1, output_tokens: 1 },
          inputTokens: 1,
          outputTokens: 1,
          costUsd: 0.25,
        }),
      )

    // 1. The first batch holds its rollup rows when a writer folds into the same key: the writer
    // waits for the batch's commit, then adds on top of the moved sums.
    let blocked: Promise<unknown> | null = null
    const first = repriceDatabase(db.sql, {
      since: new Date(at(0, 13)),
      until: new Date(at(0, 14)),
      model: null,
      dryRun: false,
      recompute,
      batchSize: 10,
      beforeCommit: async (batch) => {
        if (batch !== 1) return
        blocked = writeEvents(db.sql, [fresh(3), fresh(4)])
        await waitFor('the writer to wait on the batch', async () => {
          const [r] = await db.sql`select count(*)::int as n from pg_locks where not granted`
          return (r?.n ?? 0) > 0
        })
      },
    })
    const report = await first
    await blocked
    expect(report.changed).toBe(40)
    await expectRollupsMatchEvents(db.sql)

    // 2. A writer flushing while a reprice walks the same hour in small batches.
    let written = 0
    const writer = (async () => {
      for (let i = 0; i < 40; i++) {
        await writeEvents(db.sql, [fresh(i), fresh((i * 7) % 40)])
        written += 2
      }
    })()
    const racing = await repriceDatabase(db.sql, {
      since: new Date(at(0, 13)),
      until: new Date(at(0, 14)),
      model: null,
      dryRun: false,
      recompute,
      batchSize: 3,
    })
    await writer
    expect(written).toBe(80)
    expect(racing.examined).toBeGreaterThanOrEqual(42)
    await expectRollupsMatchEvents(db.sql)
    // what the racing run did not see, a last run reprices; then nothing is left to change
    await run({ since: new Date(at(0, 13)) })
    expect((await run({ since: new Date(at(0, 13)), dryRun: true })).changed).toBe(0)
    await expectRollupsMatchEvents(db.sql)
  }, 60_000)
})
