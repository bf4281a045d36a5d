// The limit alerts (issue 16) end to end over the real writer and a Slack mock: a subscription
// window passing 80 % then 95 %, an account starting to get 429s, and a user who worked on a
// subscription switching to API-key billing. Two replicas share the database: each alert goes
// out once; a failed delivery is retried by the tick until delivered.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { type Alerts, startAlerts } from '../../src/alerts/index.ts'
import type { LimitReading } from '../../src/limits/reading.ts'
import { window } from '../../src/limits/reading.ts'
import { createPartitionKeeper, writePartitioned } from '../../src/sink/partitions.ts'
import { accountReadingRows } from '../../src/sink/pg-accounts.ts'
import { toCells } from '../../src/sink/pg-rows.ts'
import type { RecordEnvelope } from '../../src/sink/sink.ts'
import { captureLog } from '../storage/helpers.ts'
import { field, type SlackMock, startSlackMock } from './slack-mock.ts'

let db: TestDatabase
let slack: SlackMock
const running: Alerts[] = []
const T = Date.parse('2026-03-02T10:00:00Z')
const MIN = 60_000
const ACCOUNT = 'feedc0de0000000000aa'
const [base] = makeRecords(1, { seed: 11 })

function rec(minute: number, o: Partial<UsageRecord> = {}): UsageRecord {
  return {
    ...base!,
    id: Bun.randomUUIDv7(),
    startedAt: new Date(T + minute * MIN).toISOString(),
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    status: 200,
    outcome: 'ok',
    billable: true,
    user: 'alice',
    billingKind: 'subscription',
    account: ACCOUNT,
    ...o,
  }
}

function fiveHour(minute: number, used: number): LimitReading {
  const at = T + minute * MIN
  return {
    observedAt: at,
    status: used >= 0.9 ? 'allowed_warning' : 'allowed',
    rateLimited: 0,
    windows: {
      'unified-5h': window('usage', at, {
        used,
        minutes: 300,
        resetAt: new Date(T + 3 * 60 * MIN).toISOString(),
      }),
    },
  }
}

/** One flush through the real writer (each row's monthly partition made first); the alerts hear
 *  of it as the sink would tell them. */
async function flush(entries: RecordEnvelope[], ...replicas: Alerts[]): Promise<void> {
  const res = await writePartitioned(
    db.sql,
    createPartitionKeeper(db.sql),
    entries.map((e) => toCells(e.record)),
    'json',
    [],
    accountReadingRows(entries),
  )
  const info = { count: res.inserted, firstId: res.firstId ?? '', lastId: res.lastId ?? '' }
  for (const a of replicas) a.onFlushed(info)
  for (const a of replicas) {
    await a.limits?.idle()
    await a.evaluator.idle()
  }
}

function replica(now: () => Date) {
  const a = startAlerts({
    config: {
      budgetsFile: undefined,
      budgets: null,
      slackWebhookUrl: slack.url(),
      dashboardUrl: 'https://tokentap.example',
      dailyDigest: null,
      degradedAfterMin: 0,
      limitThresholds: [0.8, 0.95],
    },
    databaseUrl: db.url,
    sql: db.sql,
    log: captureLog(),
    now,
    sleep: async () => {},
    tickMs: 3_600_000,
  })
  running.push(a)
  return a
}

beforeAll(() => {
  slack = startSlackMock()
})
beforeEach(async () => {
  db = await testDatabase()
  slack.posts.length = 0
}, 30_000)
afterEach(async () => {
  for (const a of running.splice(0)) await a.stop()
  await db.drop()
}, 30_000)
afterAll(async () => {
  await slack.stop()
})

const texts = () => slack.delivered().map((m) => m.text)

describe('limit alerts', () => {
  test('a window passing 80 % then 95 %: one alert each, across two replicas', async () => {
    let now = new Date(T + 2 * MIN)
    const one = replica(() => now)
    const two = replica(() => now)
    await flush([{ record: rec(1), bodies: null, limits: fiveHour(1, 0.5) }], one, two)
    expect(slack.posts).toHaveLength(0)
    await flush([{ record: rec(2), bodies: null, limits: fiveHour(2, 0.83) }], one, two)
    expect(texts()).toHaveLength(1)
    const first = slack.delivered()[0]!
    expect(first.text).toContain('anthropic 5-hour window at 83%')
    expect(first.text).toContain('last user alice')
    expect(field(first, 'Used')).toBe('83% (alert at 80%)')
    expect(field(first, 'Account')).toBe('`feedc0de` (anthropic, subscription)')
    expect(field(first, 'Resets')).toBe('Mon 2 Mar 2026 13:00 UTC (in 2 h 58 min)')
    expect(JSON.stringify(first)).toContain('https://tokentap.example/limits')
    // still above 80 %: nothing new; past 95 %: the 95 % alert, once
    await flush([{ record: rec(3), bodies: null, limits: fiveHour(3, 0.9) }], one, two)
    now = new Date(T + 5 * MIN)
    await flush([{ record: rec(4), bodies: null, limits: fiveHour(4, 0.97) }], two, one)
    expect(texts()).toHaveLength(2)
    expect(field(slack.delivered()[1]!, 'Used')).toBe('97% (alert at 95%)')
    // the next 5-hour window (another reset) starts over
    const next = fiveHour(200, 0.85)
    next.windows['unified-5h']!.resetAt = new Date(T + 8 * 60 * MIN).toISOString()
    now = new Date(T + 201 * MIN)
    await flush([{ record: rec(200), bodies: null, limits: next }], one)
    expect(texts()).toHaveLength(3)
  })

  test('an account that starts getting 429s: one alert per run', async () => {
    let now = new Date(T + 2 * MIN)
    const one = replica(() => now)
    const two = replica(() => now)
    const limited = (m: number) => rec(m, { status: 429, outcome: 'upstream_error', user: 'bob' })
    await flush(
      [
        { record: limited(1), bodies: null },
        { record: limited(1.5), bodies: null },
      ],
      one,
      two,
    )
    await flush([{ record: limited(2), bodies: null }], two, one)
    expect(texts()).toHaveLength(1)
    const m = slack.delivered()[0]!
    expect(m.text).toContain('anthropic account feedc0de is being rate-limited')
    expect(m.text).toContain('last user bob')
    expect(field(m, '429s seen')).toBe('2') // as of the flush that started the run
    // an hour later, after a quiet spell: a new run, a new alert
    now = new Date(T + 70 * MIN)
    await flush([{ record: limited(69), bodies: null }], one, two)
    expect(texts()).toHaveLength(2)
  })

  test('a subscription user switching to API-key billing: one alert; API-key users never', async () => {
    const now = new Date(T + 3 * MIN)
    const one = replica(() => now)
    const two = replica(() => now)
    const key = { billingKind: 'api_key' as const, account: 'aaaa0000bbbb1111cccc' }
    // yesterday alice worked on her subscription; bob has always used an API key
    await flush(
      [
        { record: rec(-1000), bodies: null },
        { record: rec(-900, { user: 'bob', ...key }), bodies: null },
      ],
      one,
    )
    expect(slack.posts).toHaveLength(0)
    await flush(
      [
        { record: rec(1, { ...key, model: 'claude-opus-4-1' }), bodies: null },
        { record: rec(1, { user: 'bob', ...key }), bodies: null },
        // a non-billable call (count_tokens) is not billed traffic
        { record: rec(1, { user: 'carol', billable: false, ...key }), bodies: null },
      ],
      one,
      two,
    )
    await flush([{ record: rec(2, key), bodies: null }], two, one)
    expect(texts()).toEqual([
      ':warning: alice switched from a subscription to API-key billing (anthropic): requests are now billed per token',
    ])
    const m = slack.delivered()[0]!
    expect(field(m, 'Model')).toBe('claude-opus-4-1')
    expect(field(m, 'API-key account')).toBe('`aaaa0000`')
    expect(field(m, 'Last subscription request')).toContain('Sun 1 Mar 2026 17:20 UTC')
    expect(JSON.stringify(m)).not.toContain('sk-')
  })

  test('a failed delivery stays pending and the tick delivers it', async () => {
    const now = new Date(T + 2 * MIN)
    const one = replica(() => now)
    slack.script('/services/T0/B0/secret-token', [500, 500, 500])
    await flush([{ record: rec(1), bodies: null, limits: fiveHour(1, 0.99) }], one)
    expect(slack.posts.map((p) => p.status)).toEqual([500, 500, 500])
    await one.tick()
    await one.evaluator.idle()
    expect(texts()).toHaveLength(1)
    expect(field(slack.delivered()[0]!, 'Used')).toBe('99% (alert at 95%)')
    await one.tick()
    await one.evaluator.idle()
    expect(texts()).toHaveLength(1)
  })
})
