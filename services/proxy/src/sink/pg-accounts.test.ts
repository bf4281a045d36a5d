// account_limits as the writer keeps it: readings merge per window with the newest winning
// whichever flush commits last, 429s count once (replays add nothing), limited_since starts a
// run after a quiet spell, and the last user follows the newest request. Via every write method.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { readAccountLimits } from '@tokentap/shared/accounts'
import { ensurePartitions, monthOf } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { type LimitReading, window } from '../limits/reading.ts'
import { accountReadingRows } from './pg-accounts.ts'
import { toCells } from './pg-rows.ts'
import { type WriteMethod, writeEvents } from './pg-write.ts'
import type { RecordEnvelope } from './sink.ts'

const T0 = Date.parse('2026-03-02T10:00:00Z')
let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
  await ensurePartitions(db.sql, [monthOf(T0)])
}, 30_000)
afterAll(async () => {
  await db?.drop()
})

const MIN = 60_000
const [base] = makeRecords(1, { seed: 3 })

function rec(minute: number, o: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ...base!,
    id: Bun.randomUUIDv7(),
    provider: 'anthropic',
    startedAt: new Date(T0 + minute * MIN).toISOString(),
    status: 200,
    outcome: 'ok',
    user: 'alice',
    billingKind: 'subscription',
    account: 'acct0000000000000001',
    ...o,
  }
}

function reading(
  minute: number,
  windows: Record<string, number>,
  status = 'allowed',
): LimitReading {
  const at = T0 + minute * MIN
  return {
    observedAt: at,
    status,
    rateLimited: 0,
    windows: Object.fromEntries(
      Object.entries(windows).map(([name, used]) => [name, window('usage', at, { used })]),
    ),
  }
}

async function flush(method: WriteMethod, entries: RecordEnvelope[]) {
  return writeEvents(
    db.sql,
    entries.map((e) => toCells(e.record)),
    method,
    [],
    accountReadingRows(entries),
  )
}

/** Through the dashboard's reader (shared/accounts read.ts), a day after the records. */
const read = () => readAccountLimits(db.sql, new Date(T0 + 86_400_000))
const at = (minute: number) => new Date(T0 + minute * MIN).toISOString()

describe.each(['json', 'copy', 'values'] as const)('account_limits via %s', (method) => {
  test('readings merge per window; a late, older reading never wins', async () => {
    await db.sql`truncate usage_events, usage_rollup_hourly, exchange_bodies, account_limits`
    await flush(method, [
      { record: rec(1), bodies: null, limits: reading(1, { 'unified-5h': 0.5 }) },
      {
        record: rec(3),
        bodies: null,
        limits: reading(3, { 'unified-5h': 0.6, 'unified-7d': 0.2 }),
      },
    ])
    let [row] = await read()
    expect(row?.windows['unified-5h']?.used).toBe(0.6)
    expect(row?.windows['unified-7d']?.used).toBe(0.2)
    // Another replica commits a reading from minute 2 after: the 5-hour window stays at 0.6,
    // the window only it saw is added.
    await flush(method, [
      {
        record: rec(2, { user: 'bob' }),
        bodies: null,
        limits: reading(2, { 'unified-5h': 0.55, 'unified-7d_oi': 0.1 }, 'allowed_warning'),
      },
    ])
    ;[row] = await read()
    expect(row?.windows['unified-5h']?.used).toBe(0.6)
    expect(row?.windows['unified-7d_oi']?.used).toBe(0.1)
    expect(row?.status).toBe('allowed')
    expect(row?.lastUser).toBe('alice')
    // A newer one wins, status and last user included.
    await flush(method, [
      {
        record: rec(9, { user: 'bob' }),
        bodies: null,
        limits: reading(9, { 'unified-5h': 0.9 }, 'allowed_warning'),
      },
    ])
    ;[row] = await read()
    expect(row?.windows['unified-5h']?.used).toBe(0.9)
    expect(row?.windows['unified-7d']?.used).toBe(0.2)
    expect(row).toMatchObject({
      status: 'allowed_warning',
      lastUser: 'bob',
      provider: 'anthropic',
      billingKind: 'subscription',
      firstSeenAt: at(1),
      lastSeenAt: at(9),
      observedAt: at(9),
    })
  })

  test('429s count once, a replay adds none; a run starts after a quiet spell', async () => {
    await db.sql`truncate usage_events, usage_rollup_hourly, exchange_bodies, account_limits`
    const first = [
      { record: rec(0, { status: 429, outcome: 'upstream_error' }), bodies: null },
      { record: rec(1, { status: 429, outcome: 'upstream_error' }), bodies: null },
      { record: rec(2), bodies: null },
      // no account: nothing to keep
      { record: rec(2, { account: null, status: 429 }), bodies: null },
    ]
    await flush(method, first)
    await flush(method, first) // a replay (spool after a crash): inserts nothing
    let [row, ...rest] = await read()
    expect(rest).toEqual([])
    expect(row).toMatchObject({ count429: 2, limitedSince: at(0), last429At: at(1) })
    // 10 minutes later: the same run
    await flush(method, [{ record: rec(11, { status: 429 }), bodies: null }])
    ;[row] = await read()
    expect(row).toMatchObject({ count429: 3, limitedSince: at(0), last429At: at(11) })
    // an hour after the last one: a new run
    await flush(method, [{ record: rec(75, { status: 429 }), bodies: null }])
    ;[row] = await read()
    expect(row).toMatchObject({ count429: 4, limitedSince: at(75), last429At: at(75) })
  })

  test('a WebSocket rate-limit error counts like a 429', async () => {
    await db.sql`truncate usage_events, usage_rollup_hourly, exchange_bodies, account_limits`
    const limits: LimitReading = { ...reading(5, { 'codex-primary': 1 }), rateLimited: 1 }
    await flush(method, [
      {
        record: rec(5, { provider: 'openai', status: 101, account: 'acct0000000000000002' }),
        bodies: null,
        limits,
      },
    ])
    const [row] = await read()
    expect(row).toMatchObject({
      account: 'acct0000000000000002',
      count429: 1,
      limitedSince: at(5),
      provider: 'openai',
    })
  })
})
