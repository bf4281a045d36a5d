// A hard budget on the budgets page over a real Postgres: spend over its limit makes it blocking,
// its `blocked` rows (whose error names it) are counted by user, and each user's link opens the
// event log on that user's refusals in the budget's scope and window.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { UsageRecord } from '@tokentap/shared'
import { blockedMessage } from '@tokentap/shared/budgets'
import { insertRecords, makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { createDataAccess } from '../src/data/index.ts'
import { pageRoutes } from '../src/pages/index.ts'

const NOW = new Date('2026-01-15T12:00:00Z')
const WINDOW_END = new Date('2026-01-16T00:00:00Z')
const HARD = {
  name: 'bot-daily',
  period: 'day' as const,
  limitUsd: 1,
  thresholds: [1],
  scope: { project: 'bot' },
  action: 'block' as const,
}

let db: TestDatabase
let app: ReturnType<typeof pageRoutes>

/** One record of the day in project bot, everything else plain. */
function rec(at: string, o: Partial<UsageRecord>): UsageRecord {
  const [base] = makeRecords(1)
  return {
    ...(base as UsageRecord),
    id: Bun.randomUUIDv7(),
    startedAt: at,
    provider: 'anthropic',
    model: 'claude-sonnet-4-5',
    project: 'bot',
    billingKind: 'api_key',
    session: null,
    agent: null,
    agentType: null,
    ...o,
  }
}

beforeAll(async () => {
  db = await testDatabase()
  const message = blockedMessage({
    budget: HARD,
    spentUsd: 1.5,
    resetsAt: WINDOW_END,
    timezone: 'UTC',
  })
  const blocked = (user: string | null, at: string) =>
    rec(at, {
      user,
      outcome: 'blocked',
      status: 400,
      billable: false,
      usageSource: 'none',
      costUsd: 0,
      error: message,
      inputTokens: null,
      outputTokens: null,
    })
  await insertRecords(db.sql, [
    rec('2026-01-15T09:00:00Z', { user: 'alice', outcome: 'ok', billable: true, costUsd: 1.5 }),
    blocked('alice', '2026-01-15T10:00:00Z'),
    blocked('alice', '2026-01-15T11:00:00Z'),
    blocked('bob', '2026-01-15T11:30:00Z'),
    // Yesterday's refusal is another window; another budget's refusal is not this one's.
    blocked('alice', '2026-01-14T23:00:00Z'),
    rec('2026-01-15T10:30:00Z', {
      user: 'alice',
      outcome: 'blocked',
      billable: false,
      costUsd: 0,
      error: 'tokentap: budget "bot-daily-2" is used up',
    }),
  ])
  const data = createDataAccess(db.sql, {
    budgets: () => ({ timezone: 'UTC', budgets: [HARD] }),
  })
  app = pageRoutes({ data, now: () => NOW })
}, 60_000)
afterAll(() => db?.drop())

const page = async (url: string): Promise<string> => {
  const res = await app.request(url)
  expect(res.status).toBe(200)
  return res.text()
}

describe('a hard budget over Postgres', () => {
  test('blocking, whom it refused, and the event log on their refusals', async () => {
    const html = await page('/budgets')
    expect(html).toContain('Blocking now: bot-daily</strong> — 3 requests refused')
    expect(html).toContain('Blocked in this window: 3 requests')
    const links = [...html.matchAll(/<a href="(\/events\?[^"]+)">(\w+)<\/a>/g)].map((m) => ({
      user: m[2],
      href: (m[1] ?? '').replaceAll('&amp;', '&'),
    }))
    expect(links.map((l) => l.user)).toEqual(['alice', 'bob'])
    const alice = await page(links[0]?.href ?? '')
    // The event log filters by outcome, user, scope and window, not by budget: alice's refusal
    // by another budget over the same scope is listed too (the budget's count above is exact).
    expect(alice.match(/class="outcome outcome-blocked"/g)?.length).toBe(3)
    expect(alice).not.toContain('outcome-ok')
    const bob = await page(links[1]?.href ?? '')
    expect(bob.match(/class="outcome outcome-blocked"/g)?.length).toBe(1)
    // A row's detail page shows the message the client got.
    const detail = /<a href="(\/events\/[^"?]+)/.exec(bob)?.[1] ?? ''
    expect(await page(detail)).toContain(
      'tokentap: budget &quot;bot-daily&quot; is used up: $1.50 spent',
    )
  })
})
