// The refusal message of a hard budget, and budgetBlocked against a real Postgres: blocked rows of
// the budget's window and scope whose error names it, by user.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { ensurePartitions, monthOf } from '../db/partitions.ts'
import { blockedErrorPrefix, blockedMessage, budgetBlocked } from './blocked.ts'
import type { Budget } from './types.ts'
import { budgetWindow } from './window.ts'

const budget: Budget = {
  name: 'team "daily" 100%_',
  period: 'day',
  limitUsd: 50,
  thresholds: [1],
  scope: { project: 'bot' },
  counts: 'billed',
  action: 'block',
}

describe('blockedMessage', () => {
  test('names the budget, spend, limit, scope, what it counts and when it resets', () => {
    const text = blockedMessage({
      budget,
      spentUsd: 50.125,
      resetsAt: new Date('2026-01-15T23:00:00Z'),
      timezone: 'Europe/Berlin',
    })
    expect(text).toBe(
      'tokentap: budget "team \\"daily\\" 100%_" is used up: $50.13 spent of its $50.00 limit ' +
        'per day (project=bot, billed spend). tokentap blocks new requests in its scope until it ' +
        'resets on Fri 16 Jan 2026 00:00 (Europe/Berlin).',
    )
    expect(text.startsWith(blockedErrorPrefix(budget.name))).toBe(true)
  })

  test('small amounts keep their digits; counts all says so', () => {
    const text = blockedMessage({
      budget: { ...budget, name: 'b', limitUsd: 0.002, scope: {}, counts: 'all' },
      spentUsd: 0.00228,
      resetsAt: new Date('2026-01-16T00:00:00Z'),
      timezone: 'UTC',
    })
    expect(text).toContain('$0.0023 spent of its $0.0020 limit per day (whole team, billed + ')
  })

  test('prefixes of two budgets never match each other', () => {
    expect(blockedErrorPrefix('a')).toBe('tokentap: budget "a" ')
    expect(blockedErrorPrefix('ab').startsWith(blockedErrorPrefix('a'))).toBe(false)
  })
})

describe('budgetBlocked', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await testDatabase()
  })
  afterAll(async () => {
    await db.drop()
  })

  const insert = async (rows: { at: string; user: string | null; error: string | null }[]) => {
    await ensurePartitions(
      db.sql,
      rows.map((r) => monthOf(Date.parse(r.at))),
    )
    for (const r of rows) {
      await db.sql`
        insert into usage_events (id, started_at, duration_ms, provider, host, method, path,
          stream, transport, outcome, usage_source, billable, "user", project, request_bytes,
          response_bytes, error, status)
        values (${Bun.randomUUIDv7()}, ${r.at}::timestamptz, 0, 'anthropic', 'h', 'POST', '/',
          false, 'http', ${r.error === null ? 'ok' : 'blocked'}, 'none', false, ${r.user},
          'bot', 0, 0, ${r.error}, 403)`
    }
  }

  test('counts the window, the scope and the budget named, by user (most first)', async () => {
    const mine = blockedMessage({
      budget,
      spentUsd: 51,
      resetsAt: new Date('2026-01-16T00:00:00Z'),
      timezone: 'UTC',
    })
    // A budget whose name the LIKE pattern would match if `%` and `_` were wildcards.
    const lookalike = mine.replace('100%_', '100XY')
    await insert([
      { at: '2026-01-15T08:00:00Z', user: 'alice', error: mine },
      { at: '2026-01-15T09:00:00Z', user: 'alice', error: mine },
      { at: '2026-01-15T10:00:00Z', user: 'bob', error: mine },
      { at: '2026-01-15T11:00:00Z', user: null, error: mine },
      { at: '2026-01-14T23:59:59Z', user: 'alice', error: mine }, // the day before
      { at: '2026-01-15T12:00:00Z', user: 'carol', error: lookalike },
      { at: '2026-01-15T12:00:00Z', user: 'dave', error: null }, // not blocked
    ])
    await db.sql`update usage_events set project = 'other' where "user" = 'bob'`
    const w = budgetWindow('day', 'UTC', new Date('2026-01-15T12:00:00Z'))
    const r = await budgetBlocked(db.sql, budget, w)
    expect(r.requests).toBe(3)
    expect(r.users).toEqual([
      { user: 'alice', requests: 2, lastAt: '2026-01-15T09:00:00.000Z' },
      { user: null, requests: 1, lastAt: '2026-01-15T11:00:00.000Z' },
    ])
    const one = await budgetBlocked(db.sql, budget, w, 1)
    expect(one).toEqual({ requests: 3, users: [r.users[0]!] })
    const next = budgetWindow('day', 'UTC', new Date('2026-01-16T12:00:00Z'))
    expect(await budgetBlocked(db.sql, budget, next)).toEqual({ requests: 0, users: [] })
  })
})
