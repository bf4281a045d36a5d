// The budget evaluator against a real Postgres and a loopback Slack: edge-triggered messages with
// the right figures, dedupe across evaluators and restarts, delivery retries, windows and scopes.

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import type { Budget, BudgetsConfig } from '@tokentap/shared/budgets'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { SUPERSEDED } from '../../src/alerts/decide.ts'
import { type BudgetEvaluator, createBudgetEvaluator } from '../../src/alerts/evaluator.ts'
import { createSlackPost } from '../../src/alerts/slack.ts'
import { captureLog } from '../storage/helpers.ts'
import { spend } from './helpers.ts'
import { field, type SlackMock, startSlackMock, tops } from './slack-mock.ts'

let db: TestDatabase
let slack: SlackMock
const started: BudgetEvaluator[] = []

const daily: Budget = {
  name: 'team-daily',
  period: 'day',
  limitUsd: 10,
  thresholds: [0.5, 0.8, 1],
  scope: {},
}
const T = '2026-03-10T12:00:00.000Z'

function evaluator(
  opts: {
    budgets?: Budget[]
    timezone?: string
    now?: () => Date
    url?: string
    log?: ReturnType<typeof captureLog>
  } = {},
): BudgetEvaluator {
  const cfg: BudgetsConfig = { timezone: opts.timezone ?? 'UTC', budgets: opts.budgets ?? [daily] }
  const e = createBudgetEvaluator({
    sql: db.sql,
    budgets: () => cfg,
    defaultWebhookUrl: opts.url ?? slack.url(),
    dashboardUrl: 'https://tokentap.example.com',
    post: createSlackPost({ timeoutMs: 10_000 }),
    log: opts.log ?? captureLog(),
    now: opts.now ?? (() => new Date(T)),
    sleep: async () => {},
    retry: { tries: 3, baseMs: 1, maxMs: 1 },
  })
  started.push(e)
  return e
}

async function run(e: BudgetEvaluator): Promise<void> {
  await e.evaluate()
  await e.idle()
}

interface AlertRow {
  threshold: string
  delivered: boolean
  attempts: number
  last_error: string | null
}
const rows = async (budget = 'team-daily'): Promise<AlertRow[]> => [
  ...(await db.sql<AlertRow[]>`
    select threshold::text as threshold, delivered_at is not null as delivered, attempts, last_error
    from alerts_sent where budget = ${budget} order by window_start, threshold`),
]

beforeAll(async () => {
  slack = startSlackMock()
})
beforeEach(async () => {
  db = await testDatabase()
  slack.posts.length = 0
}, 30_000)
afterEach(async () => {
  for (const e of started.splice(0)) await e.stop()
  await db.drop()
}, 30_000)
afterAll(async () => {
  await slack.stop()
})

describe('budget evaluator', () => {
  test('crossing 50 % then 100 % sends exactly two messages with the right figures', async () => {
    const e = evaluator()
    await spend(db.sql, [
      { at: '2026-03-10T09:10:00Z', cost: 2.5, model: 'opus', user: 'alice' },
      { at: '2026-03-10T10:20:00Z', cost: 1.5, model: 'sonnet', user: 'bob' },
      { at: '2026-03-10T11:30:00Z', cost: 1, model: 'haiku', user: 'carol' },
      { at: '2026-03-10T11:40:00Z', cost: 0.5, model: 'gpt', user: 'dave' },
      { at: '2026-03-09T23:59:59Z', cost: 50, model: 'old', user: 'zed' }, // yesterday
    ])
    await run(e)
    expect(slack.delivered()).toHaveLength(1)
    const first = slack.delivered()[0]!
    expect(first.text).toContain('team-daily')
    expect(field(first, 'Billed spend')).toBe('$5.50 of $10.00 (55 %)')
    expect(field(first, 'Threshold')).toBe('50 % of $10.00 per day')
    expect(field(first, 'Scope')).toBe('whole team')
    expect(field(first, 'Window')).toBe('Tue 10 Mar 2026 00:00 → Wed 11 Mar 2026 00:00 (UTC)')
    expect(tops(field(first, 'Top models'))).toEqual([
      ['opus', '2.50'],
      ['sonnet', '1.50'],
      ['haiku', '1.00'],
    ])
    expect(tops(field(first, 'Top users'))).toEqual([
      ['alice', '2.50'],
      ['bob', '1.50'],
      ['carol', '1.00'],
    ])
    expect(JSON.stringify(first)).toContain('https://tokentap.example.com/budgets')

    await run(e) // nothing new crossed
    await spend(db.sql, [{ at: '2026-03-10T11:50:00Z', cost: 0.5, model: 'opus', user: 'bob' }])
    await run(e) // 60 %: still nothing
    expect(slack.delivered()).toHaveLength(1)

    // 80 % and 100 % crossed at once: one message (100 %), the 80 % is settled without sending.
    await spend(db.sql, [{ at: '2026-03-10T11:55:00Z', cost: 4.2, model: 'opus', user: 'bob' }])
    await run(e)
    await run(e)
    expect(slack.delivered()).toHaveLength(2)
    const second = slack.delivered()[1]!
    expect(field(second, 'Billed spend')).toBe('$10.20 of $10.00 (102 %)')
    expect(field(second, 'Threshold')).toBe('100 % of $10.00 per day')
    expect(tops(field(second, 'Top models'))[0]).toEqual(['opus', '7.20'])
    expect(tops(field(second, 'Top users'))[0]).toEqual(['bob', '6.20'])
    expect(slack.posts).toHaveLength(2)
    expect(await rows()).toEqual([
      { threshold: '0.5', delivered: true, attempts: 1, last_error: null },
      { threshold: '0.8', delivered: true, attempts: 0, last_error: SUPERSEDED },
      { threshold: '1', delivered: true, attempts: 1, last_error: null },
    ])
  }, 30_000)

  test('two evaluators racing send one; a restarted evaluator sends none', async () => {
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 6 }])
    const a = evaluator()
    const b = evaluator()
    await Promise.all([a.evaluate(), b.evaluate(), a.evaluate(), b.evaluate()])
    await Promise.all([a.idle(), b.idle()])
    expect(slack.posts).toHaveLength(1)
    const restarted = evaluator()
    await run(restarted)
    await restarted.retryPending()
    await restarted.idle()
    expect(slack.posts).toHaveLength(1)
  }, 30_000)

  test('webhook returning 500 then 200 delivers once and marks delivered_at', async () => {
    const path = '/services/T0/B0/flaky'
    slack.script(path, [500])
    const log = captureLog()
    const e = evaluator({ url: slack.url(path), log })
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 5 }])
    await run(e)
    expect(slack.posts.map((p) => p.status)).toEqual([500, 200])
    expect(slack.delivered(path)).toHaveLength(1)
    expect(await rows()).toEqual([
      { threshold: '0.5', delivered: true, attempts: 2, last_error: null },
    ])
    expect(log.lines.join('\n')).not.toContain('flaky')
  }, 30_000)

  test('an outage longer than the retries leaves the alert pending; a later pass delivers it', async () => {
    const path = '/services/T0/B0/down'
    slack.script(path, [500, 500, 503])
    const e = evaluator({ url: slack.url(path) })
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 5 }])
    await run(e)
    expect(slack.delivered()).toHaveLength(0)
    const [pending] = await rows()
    expect(pending).toMatchObject({ delivered: false, attempts: 3 })
    expect(pending?.last_error).toStartWith('HTTP 503')
    await run(e) // a new evaluation does not re-claim (the row exists) …
    expect(slack.posts).toHaveLength(3)
    await e.retryPending() // … the retry pass delivers it
    await e.idle()
    expect(slack.delivered(path)).toHaveLength(1)
    expect(await rows()).toEqual([
      { threshold: '0.5', delivered: true, attempts: 4, last_error: null },
    ])
  }, 30_000)

  test('a pending alert expires an hour after its window ended', async () => {
    const path = '/services/T0/B0/gone'
    slack.script(path, [500, 500, 500])
    let now = new Date(T)
    const e = evaluator({ url: slack.url(path), now: () => now })
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 5 }])
    await run(e)
    now = new Date('2026-03-11T01:00:01Z')
    await e.retryPending()
    await e.idle()
    expect(slack.posts).toHaveLength(3)
    const [r] = await rows()
    expect(r?.delivered).toBe(false)
    expect(r?.last_error).toBe('expired: window ended 2026-03-11T00:00:00.000Z')
  }, 30_000)

  test('the next window starts fresh', async () => {
    let now = new Date(T)
    const e = evaluator({ now: () => now })
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 5 }])
    await run(e)
    now = new Date('2026-03-11T08:00:00Z')
    await run(e) // yesterday's spend does not count today
    expect(slack.delivered()).toHaveLength(1)
    await spend(db.sql, [{ at: '2026-03-11T07:00:00Z', cost: 5.5 }])
    await run(e)
    expect(slack.delivered()).toHaveLength(2)
    expect(field(slack.delivered()[1]!, 'Billed spend')).toBe('$5.50 of $10.00 (55 %)')
    expect(field(slack.delivered()[1]!, 'Window')).toStartWith('Wed 11 Mar 2026 00:00')
  }, 30_000)

  test('scopes filter spend; per-budget webhooks; a user scope lists projects', async () => {
    const own = '/services/T0/B0/alice'
    const budgets: Budget[] = [
      { name: 'bot', period: 'month', limitUsd: 4, thresholds: [1], scope: { project: 'bot' } },
      {
        name: 'alice',
        period: 'week',
        limitUsd: 4,
        thresholds: [0.5],
        scope: { user: 'alice' },
        webhookUrl: slack.url(own),
      },
      {
        name: 'search',
        period: 'day',
        limitUsd: 4,
        thresholds: [0.5],
        scope: { project: 'search' },
      },
    ]
    const e = evaluator({ budgets })
    await spend(db.sql, [
      { at: '2026-03-10T10:00:00Z', cost: 3, user: 'alice', project: 'bot' },
      { at: '2026-03-10T10:00:00Z', cost: 1.5, user: 'bob', project: 'bot' },
      { at: '2026-03-10T10:00:00Z', cost: 1, user: 'bob', project: 'search' },
      { at: '2026-03-10T10:00:00Z', cost: 0.25, user: 'alice', project: 'search' },
    ])
    await run(e)
    const byName = (n: string) => slack.delivered().find((m) => field(m, 'Budget') === n)
    expect(field(byName('bot')!, 'Billed spend')).toBe('$4.50 of $4.00 (112.5 %)')
    expect(field(byName('bot')!, 'Scope')).toBe('project=bot')
    expect(byName('search')).toBeUndefined() // $1.25 < $2
    expect(slack.delivered(own)).toHaveLength(1)
    const alice = slack.delivered(own)[0]!
    expect(field(alice, 'Billed spend')).toBe('$3.25 of $4.00 (81.3 %)')
    expect(tops(field(alice, 'Top projects'))).toEqual([
      ['bot', '3.00'],
      ['search', '0.25'],
    ])
    expect(slack.delivered()).toHaveLength(2)
  }, 30_000)

  test('half-hour zone: the window follows local midnight', async () => {
    const e = evaluator({ timezone: 'Asia/Kolkata', now: () => new Date('2026-03-10T19:00:00Z') })
    await spend(db.sql, [
      { at: '2026-03-10T18:29:59Z', cost: 100 }, // 23:59:59 IST on the 10th
      { at: '2026-03-10T18:30:00Z', cost: 5 }, // 00:00 IST on the 11th
    ])
    await run(e)
    expect(slack.delivered()).toHaveLength(1)
    expect(field(slack.delivered()[0]!, 'Billed spend')).toBe('$5.00 of $10.00 (50 %)')
    expect(field(slack.delivered()[0]!, 'Window')).toBe(
      'Wed 11 Mar 2026 00:00 → Thu 12 Mar 2026 00:00 (Asia/Kolkata)',
    )
  }, 30_000)

  test('coalesced triggers: a burst of flushes runs few evaluations, the last sees all', async () => {
    const e = evaluator()
    await spend(db.sql, [{ at: '2026-03-10T10:00:00Z', cost: 5 }])
    for (let i = 0; i < 20; i++) e.trigger()
    await e.idle()
    expect(e.stats.evaluations).toBeLessThanOrEqual(2)
    expect(slack.delivered()).toHaveLength(1)
  }, 30_000)
})
