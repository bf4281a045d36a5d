// Records → usage_events cells: every UsageRecord field has a column and is written, the live
// table has exactly the schema's columns, a full record round-trips through the writer and a
// SELECT, and older spool records (missing or odd fields) still convert.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { EVENT_COLUMNS, ensurePartitions, monthOf } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { readRecords } from '../../test/storage/helpers.ts'
import { type Cell, toCells } from './pg-rows.ts'
import { writeEvents } from './pg-write.ts'

/** Every field set, none null (session, agent, billing kind and account too, which older
 *  records lack). */
const FULL: UsageRecord = {
  id: '0190f5a8-7b3c-7def-8123-456789abcdef',
  startedAt: '2026-01-15T10:11:12.345Z',
  durationMs: 1234,
  ttfbMs: 56,
  provider: 'anthropic',
  host: 'api.anthropic.com',
  method: 'POST',
  path: '/v1/messages',
  endpoint: 'messages',
  model: 'claude-sonnet-4-5',
  stream: true,
  transport: 'websocket',
  status: 200,
  outcome: 'ok',
  usageSource: 'estimated',
  billable: true,
  responseId: 'msg_1',
  user: 'alice',
  project: 'web',
  session: 'run-7',
  agent: 'a0aaff6c392cc486a',
  agentType: 'general-purpose',
  program: 'claude-cli',
  billingKind: 'subscription',
  account: 'a1b2c3d4e5f6a7b8c9d0',
  requestBytes: 5_000_000_000,
  responseBytes: 678,
  error: 'late error',
  parseError: 'odd frame',
  inputTokens: 100,
  outputTokens: 20,
  cacheReadTokens: 3000,
  cacheWrite5mTokens: 40,
  cacheWrite1hTokens: 5,
  reasoningTokens: 6,
  rawUsage: { input_tokens: 100, nested: { a: [1, 'b'] } },
  credits: 1.25,
  costUsd: 0.01234567,
  priceSource: 'genai-prices',
  priceVersion: 'genai-prices@0.1.8',
  serviceTier: 'priority',
  inferenceGeo: 'us',
  speed: 'fast',
  units: { input_audio_tokens: 40, output_audio_tokens: 2, web_searches: 3, web_fetches: 1 },
  subUsage: [
    {
      kind: 'advisor_message',
      model: 'claude-opus-4-8',
      inputTokens: 900,
      outputTokens: 120,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    },
  ],
  audioInputTokens: 40,
  audioOutputTokens: 2,
  webSearches: 3,
  unpricedUnits: ['web_fetches'],
}

const byName = (cells: Cell[]): Record<string, Cell> =>
  Object.fromEntries(EVENT_COLUMNS.map((c, i) => [c.name, cells[i]!]))

describe('toCells', () => {
  test('every UsageRecord field has a column, and a full record fills every one', () => {
    expect(EVENT_COLUMNS.map((c): string => c.key).sort()).toEqual(Object.keys(FULL).sort())
    const cells = byName(toCells(FULL))
    expect(Object.entries(cells).filter(([, v]) => v === null)).toEqual([])
    expect(cells).toMatchObject({
      session: 'run-7',
      agent: 'a0aaff6c392cc486a',
      agent_type: 'general-purpose',
      cost_usd: '0.01234567',
      stream: true,
    })
  })

  test('an older spool record: missing fields are NULL or the NOT NULL default', () => {
    const old = { id: FULL.id, startedAt: FULL.startedAt } as UsageRecord
    const cells = byName(toCells(old))
    for (const c of EVENT_COLUMNS) {
      const v = cells[c.name]
      if (!c.notNull) expect([c.name, v]).toEqual([c.name, null])
      else if (c.default !== undefined) expect([c.name, v]).toEqual([c.name, c.default])
      else if (c.key !== 'id' && c.key !== 'startedAt')
        expect(v === '' || v === 0 || v === false).toBe(true)
    }
    expect(cells).toMatchObject({ provider: '', duration_ms: 0, stream: false, billable: false })
    // a record from before billing kinds counts as billed (unknown), as the column's default
    expect(cells.billing_kind).toBe('unknown')
  })

  test('odd values are coerced by column type, never thrown', () => {
    const odd = {
      ...FULL,
      durationMs: '12.6',
      status: 'n/a',
      stream: 'yes',
      credits: 'abc',
      costUsd: '0.5',
      error: 'a\0b\ud800',
      rawUsage: { s: 'x\0y' },
    } as unknown as UsageRecord
    expect(byName(toCells(odd))).toMatchObject({
      duration_ms: 13,
      status: null,
      stream: false,
      credits: null,
      cost_usd: '0.5',
      error: 'ab\ufffd',
      raw_usage: '{"s":"xy"}',
    })
  })

  test('a record without an id throws', () => {
    expect(() => toCells({ ...FULL, id: '' })).toThrow('record has no id')
  })
})

describe('usage_events in Postgres', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await testDatabase()
    await ensurePartitions(db.sql, [monthOf(Date.parse(FULL.startedAt))])
  }, 30_000)
  afterAll(async () => {
    await db?.drop()
  })

  test('the migrated table has exactly the schema columns the writer names, same types', async () => {
    const live = await db.sql<{ name: string; type: string }[]>`
      select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute
      where attrelid = 'usage_events'::regclass and attnum > 0 and not attisdropped`
    const norm = (t: string) => t.replaceAll(' ', '')
    const written = EVENT_COLUMNS.map((c) => [c.name, norm(c.sqlType)])
    expect(live.map((c) => [c.name, norm(c.type)]).sort()).toEqual(
      [...written, ['recorded_at', 'timestampwithtimezone']].sort(),
    )
  })

  test.each(['json', 'copy', 'values'] as const)(
    'every field of a full record round-trips through the writer (%s) and a SELECT',
    async (method) => {
      await db.sql`truncate usage_events, usage_rollup_hourly, usage_sessions, exchange_bodies`
      expect((await writeEvents(db.sql, [toCells(FULL)], method)).inserted).toBe(1)
      expect(await readRecords(db.sql)).toEqual([FULL])
    },
  )
})
