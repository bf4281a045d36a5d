// startAlerts' periodic tick: the daily digest (once per day across replicas, at HH:MM in the
// budgets' zone) and the degraded-recording alert (per replica, after the configured minutes).

import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadBudgetsFile } from '@tokentap/shared/budgets'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import type { AlertsConfig } from '../../src/alerts/config.ts'
import { type Alerts, startAlerts } from '../../src/alerts/index.ts'
import type { PostgresSinkMetrics } from '../../src/sink/postgres-types.ts'
import { captureLog, waitFor } from '../storage/helpers.ts'
import { spend } from './helpers.ts'
import { field, type SlackMock, startSlackMock } from './slack-mock.ts'

let db: TestDatabase
let slack: SlackMock
const running: Alerts[] = []

const sinkMetrics = (over: Partial<PostgresSinkMetrics> = {}): PostgresSinkMetrics => ({
  queueDepth: 0,
  spoolBytes: 0,
  spoolFiles: 0,
  degraded: false,
  lastFlushLatencyMs: null,
  flushes: 0,
  recordsWritten: 0,
  recordsInserted: 0,
  recordsSpooled: 0,
  recordsReplayed: 0,
  recordsCorrupt: 0,
  recordsDropped: 0,
  ...over,
})

function alerts(config: Partial<AlertsConfig>, now: () => Date, sink = () => sinkMetrics()) {
  const log = captureLog()
  const a = startAlerts({
    config: {
      budgetsFile: undefined,
      budgets: {
        timezone: 'Europe/Berlin',
        budgets: [{ name: 'monthly', period: 'month', limitUsd: 100, thresholds: [1], scope: {} }],
      },
      slackWebhookUrl: slack.url(),
      dashboardUrl: undefined,
      dailyDigest: null,
      degradedAfterMin: 0,
      limitThresholds: [0.8, 0.95],
      ...config,
    },
    databaseUrl: db.url,
    sql: db.sql,
    log,
    now,
    sinkMetrics: sink,
    sleep: async () => {},
    tickMs: 3_600_000,
  })
  running.push(a)
  return { a, log }
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

test('daily digest: not before HH:MM local, then once across replicas', async () => {
  // 9 March 2026, Berlin is UTC+1: 09:00 local = 08:00 UTC.
  let now = new Date('2026-03-10T07:59:00Z')
  await spend(db.sql, [
    { at: '2026-03-09T10:00:00Z', cost: 3, model: 'opus', user: 'alice' },
    { at: '2026-03-09T22:59:00Z', cost: 1, model: 'haiku', user: 'bob' }, // 23:59 local, 9th
    { at: '2026-03-09T23:00:00Z', cost: 7, model: 'gpt', user: 'carol' }, // 00:00 local, 10th
  ])
  const one = alerts({ dailyDigest: { hour: 9, minute: 0 } }, () => now)
  const two = alerts({ dailyDigest: { hour: 9, minute: 0 } }, () => now)
  await one.a.tick()
  await one.a.evaluator.idle()
  expect(slack.posts).toHaveLength(0)
  now = new Date('2026-03-10T08:00:00Z')
  await Promise.all([one.a.tick(), two.a.tick()])
  await Promise.all([one.a.evaluator.idle(), two.a.evaluator.idle()])
  await one.a.tick()
  await one.a.evaluator.idle()
  expect(slack.delivered()).toHaveLength(1)
  const d = slack.delivered()[0]!
  expect(d.text).toBe(
    'tokentap daily digest: Mon 9 Mar 2026 (Europe/Berlin): $4.00 billed over 2 requests',
  )
  expect(field(d, 'Budgets now')).toContain('*monthly* (whole team, per month): $11.00 of $100.00')
  const [row] = await db.sql`
    select budget, window_start::text as ws, delivered_at is not null as delivered
    from alerts_sent`
  expect(row).toMatchObject({ budget: '__digest__', delivered: true })
  // The next day sends again.
  now = new Date('2026-03-11T09:00:00Z')
  await one.a.tick()
  await one.a.evaluator.idle()
  expect(slack.delivered()).toHaveLength(2)
}, 30_000)

test('degraded recording: one alert after N minutes, one recovery message', async () => {
  let now = new Date('2026-03-10T10:00:00Z')
  let m = sinkMetrics({ degraded: true, spoolBytes: 4096, queueDepth: 7 })
  const { a, log } = alerts(
    { degradedAfterMin: 5, budgets: null },
    () => now,
    () => m,
  )
  await a.tick()
  now = new Date('2026-03-10T10:04:00Z')
  await a.tick()
  expect(slack.posts).toHaveLength(0)
  now = new Date('2026-03-10T10:05:00Z')
  await a.tick()
  now = new Date('2026-03-10T10:06:00Z')
  await a.tick()
  expect(slack.delivered()).toHaveLength(1)
  expect(slack.delivered()[0]?.text).toContain('usage recording degraded for 5 min')
  m = sinkMetrics()
  await a.tick()
  expect(slack.delivered()).toHaveLength(2)
  expect(slack.delivered()[1]?.text).toContain('recovered')
  expect(log.lines.join('\n')).not.toContain('secret-token')
}, 30_000)

test('budgets reload on change; an edit leaving a budget without webhook is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tt-alerts-reload-'))
  const file = join(dir, 'budgets.json')
  const hook = slack.url('/services/T0/B0/own')
  const write = (budgets: unknown[]) => writeFileSync(file, JSON.stringify({ budgets }))
  write([{ name: 'a', period: 'day', limitUsd: 1, webhookUrl: hook }])
  await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 0.6 }])
  const { a, log } = alerts(
    {
      budgetsFile: file,
      budgets: loadBudgetsFile(file),
      slackWebhookUrl: undefined,
    },
    () => new Date('2026-03-10T12:00:00Z'),
  )
  write([{ name: 'b', period: 'day', limitUsd: 1 }]) // no webhook anywhere: refused
  await waitFor('the refusal', () => log.lines.some((l) => l.includes('has no webhookUrl')))
  write([{ name: 'c', period: 'day', limitUsd: 1.2, webhookUrl: hook }])
  await waitFor('the reload', () => log.lines.some((l) => l.includes('reloaded: 1 budget')))
  await a.evaluator.idle()
  await a.evaluator.evaluate()
  await a.evaluator.idle()
  expect(slack.delivered().map((m) => field(m, 'Budget'))).toEqual(['c'])
}, 30_000)
