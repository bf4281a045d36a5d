// budgetSpend / budgetBreakdown / budgetAlerts against a real Postgres: rollups for whole UTC
// hours, usage_events for the partial hours of a half-hour zone, scopes as filters.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { ensurePartitions, monthOf } from '../db/partitions.ts'
import { budgetAlerts, budgetBreakdown, budgetSpend, splitWindow } from './spend.ts'
import type { Budget, BudgetWindow } from './types.ts'
import { budgetWindow } from './window.ts'

let db: TestDatabase

interface Ev {
  at: string
  cost: number | null
  model?: string | null
  user?: string | null
  project?: string | null
  provider?: string
  program?: string | null
  estimated?: boolean
  /** Covered by a subscription (billing_kind). */
  sub?: boolean
}

/** Inserts events, then (re)builds the hourly rollup from them with the writer's formulas. */
async function insert(events: Ev[]): Promise<void> {
  await ensurePartitions(
    db.sql,
    events.map((e) => monthOf(Date.parse(e.at))),
  )
  for (const e of events) {
    await db.sql`
      insert into usage_events (id, started_at, duration_ms, provider, host, method, path, model,
        stream, transport, outcome, usage_source, billable, "user", project, program,
        request_bytes, response_bytes, cost_usd, billing_kind)
      values (${Bun.randomUUIDv7()}, ${e.at}::timestamptz, 1, ${e.provider ?? 'anthropic'}, 'h',
        'POST', '/', ${e.model === undefined ? 'm1' : e.model}, false, 'http', 'ok',
        ${e.estimated ? 'estimated' : 'provider'}, true, ${e.user === undefined ? 'alice' : e.user},
        ${e.project ?? null}, ${e.program ?? null}, 0, 0, ${e.cost},
        ${e.sub ? 'subscription' : 'api_key'})`
  }
  await db.sql`delete from usage_rollup_hourly`
  await db.sql`
    insert into usage_rollup_hourly ("hour", provider, model, "user", project, program, requests,
      billable_requests, cost_usd, unpriced_requests, estimated_requests, subscription_value_usd)
    select date_trunc('hour', started_at, 'UTC'), provider, coalesce(model, ''),
      coalesce("user", ''), coalesce(project, ''), coalesce(program, ''), count(*),
      count(*) filter (where billable), coalesce(sum(cost_usd), 0),
      count(*) filter (where billable and cost_usd is null),
      count(*) filter (where usage_source = 'estimated'),
      coalesce(sum(cost_usd) filter (where billing_kind = 'subscription'), 0)
    from usage_events group by 1, 2, 3, 4, 5, 6`
}

const whole: Pick<Budget, 'scope'> = { scope: {} }

beforeAll(async () => {
  db = await testDatabase()
})
afterAll(async () => {
  await db.drop()
})

describe('splitWindow', () => {
  test('hour-aligned windows have no partial edges; +05:30 windows have two', () => {
    const utc = budgetWindow('day', 'UTC', new Date('2026-01-15T12:00:00Z'))
    expect(splitWindow(utc).partial).toEqual([])
    const ist = budgetWindow('day', 'Asia/Kolkata', new Date('2026-01-15T12:00:00Z'))
    const s = splitWindow(ist)
    expect(s.hours?.from.toISOString()).toBe('2026-01-14T19:00:00.000Z')
    expect(s.hours?.to.toISOString()).toBe('2026-01-15T18:00:00.000Z')
    expect(s.partial.map((p) => [p.from.toISOString(), p.to.toISOString()])).toEqual([
      ['2026-01-14T18:30:00.000Z', '2026-01-14T19:00:00.000Z'],
      ['2026-01-15T18:00:00.000Z', '2026-01-15T18:30:00.000Z'],
    ])
  })
})

describe('budgetSpend', () => {
  test('half-hour zone: spend equals SQL over usage_events, to the event', async () => {
    // Events every 7 minutes from 17:00 to 20:00 UTC on both days around the Kolkata midnight.
    const events: Ev[] = []
    for (const day of ['2026-01-14', '2026-01-15']) {
      for (let m = 0; m < 180; m += 7) {
        const at = new Date(Date.parse(`${day}T17:00:00Z`) + m * 60_000).toISOString()
        events.push({ at, cost: 0.01 + m / 1000, model: m % 2 ? 'm1' : 'm2' })
      }
    }
    await insert(events)
    const w = budgetWindow('day', 'Asia/Kolkata', new Date('2026-01-15T12:00:00Z'))
    const spend = await budgetSpend(db.sql, whole, w)
    const [truth] = await db.sql<{ cost: string; n: number }[]>`
      select sum(cost_usd)::text as cost, count(*)::int as n from usage_events
      where started_at >= ${w.start.toISOString()}::timestamptz
        and started_at < ${w.end.toISOString()}::timestamptz`
    expect(spend.requests).toBe(truth?.n ?? -1)
    expect(spend.spentUsd).toBeCloseTo(Number(truth?.cost), 8)
    // The rollup alone (whole hours overlapping the window) would count more.
    const [rolled] = await db.sql<{ n: number }[]>`
      select sum(requests)::int as n from usage_rollup_hourly
      where "hour" >= '2026-01-14T18:00:00Z' and "hour" < '2026-01-15T19:00:00Z'`
    expect(rolled?.n).toBeGreaterThan(spend.requests)
  })

  test('billed spend by default; counts "all" adds subscription value; half-hour zone', async () => {
    await db.sql`delete from usage_events`
    const events: Ev[] = []
    for (let m = 0; m < 240; m += 10) {
      const at = new Date(Date.parse('2026-01-15T17:00:00Z') + m * 60_000).toISOString()
      events.push({ at, cost: 1, sub: m % 20 === 0, user: m % 20 === 0 ? 'subby' : 'keyed' })
    }
    await insert(events)
    // The Kolkata day ends at 18:30 UTC: partial hours from events, whole ones from the rollup.
    const w = budgetWindow('day', 'Asia/Kolkata', new Date('2026-01-15T12:00:00Z'))
    const [truth] = await db.sql<{ billed: string; all: string }[]>`
      select sum(cost_usd) filter (where billing_kind <> 'subscription')::text as billed,
        sum(cost_usd)::text as all
      from usage_events where started_at >= ${w.start.toISOString()}::timestamptz
        and started_at < ${w.end.toISOString()}::timestamptz`
    const billed = await budgetSpend(db.sql, whole, w)
    const all = await budgetSpend(db.sql, { ...whole, counts: 'all' }, w)
    expect(billed.spentUsd).toBe(Number(truth?.billed))
    expect(all.spentUsd).toBe(Number(truth?.all))
    expect(all.spentUsd).toBeGreaterThan(billed.spentUsd)
    expect(billed.requests).toBe(all.requests) // requests are requests, whoever paid
    expect(await budgetSpend(db.sql, { scope: { user: 'subby' }, counts: 'billed' }, w)).toEqual({
      spentUsd: 0,
      requests: all.requests - billed.spentUsd,
      unpricedRequests: 0,
      estimatedRequests: 0,
    })
    const top = await budgetBreakdown(db.sql, whole, w)
    expect(top.users.map((t) => [t.name, t.spentUsd])).toEqual([
      ['keyed', billed.spentUsd],
      ['subby', 0],
    ])
  })

  test('scopes filter; unpriced and estimated are counted; breakdown ranks by spend', async () => {
    await db.sql`delete from usage_events`
    const at = '2026-02-03T10:15:00Z'
    await insert([
      { at, cost: 1, user: 'alice', project: 'bot', model: 'opus' },
      { at, cost: 2, user: 'alice', project: 'bot', model: 'sonnet' },
      { at, cost: 4, user: 'bob', project: 'bot', model: 'sonnet', estimated: true },
      { at, cost: null, user: 'bob', project: null, model: 'mystery' },
      { at, cost: 8, user: null, project: 'search', model: 'gpt', provider: 'openai' },
      { at, cost: 16, user: 'carol', project: 'search', model: 'gpt', program: 'codex' },
      { at: '2026-02-04T10:00:00Z', cost: 100, user: 'alice', project: 'bot' }, // next day
    ])
    const w: BudgetWindow = budgetWindow('day', 'UTC', new Date(at))
    const spent = async (scope: Budget['scope']) =>
      (await budgetSpend(db.sql, { scope }, w)).spentUsd
    expect(await spent({})).toBe(31)
    expect(await spent({ user: 'alice' })).toBe(3)
    expect(await spent({ project: 'bot' })).toBe(7)
    expect(await spent({ project: 'bot', model: 'sonnet' })).toBe(6)
    expect(await spent({ provider: 'openai' })).toBe(8)
    expect(await spent({ program: 'codex' })).toBe(16)
    expect(await spent({ user: 'nobody' })).toBe(0)
    const all = await budgetSpend(db.sql, whole, w)
    expect(all).toEqual({ spentUsd: 31, requests: 6, unpricedRequests: 1, estimatedRequests: 1 })

    const top = await budgetBreakdown(db.sql, whole, w)
    expect(top.models.map((t) => [t.name, t.spentUsd])).toEqual([
      ['gpt', 24],
      ['sonnet', 6],
      ['opus', 1],
    ])
    expect(top.users.map((t) => [t.name, t.spentUsd])).toEqual([
      ['carol', 16],
      ['', 8],
      ['bob', 4],
    ])
    expect(top.projects.map((t) => t.name)).toEqual(['search', 'bot', ''])
    const bot = await budgetBreakdown(db.sql, { scope: { project: 'bot' } }, w)
    expect(bot.users.map((t) => [t.name, t.spentUsd])).toEqual([
      ['bob', 4],
      ['alice', 3],
    ])
  })
})

describe('budgetAlerts', () => {
  test('pending first, then newest; figures as numbers and ISO strings', async () => {
    await db.sql`
      insert into alerts_sent (budget, window_start, threshold, created_at, delivered_at, attempts,
        last_error)
      values ('b', '2026-01-01T00:00:00Z', 0.5, '2026-01-01T01:00:00Z', '2026-01-01T01:00:01Z', 1,
          null),
        ('b', '2026-01-01T00:00:00Z', 1, '2026-01-01T05:00:00Z', null, 3, 'HTTP 500'),
        ('b', '2026-01-02T00:00:00Z', 0.5, '2026-01-02T01:00:00Z', '2026-01-02T01:00:01Z', 1,
          null),
        ('other', '2026-01-02T00:00:00Z', 0.5, '2026-01-02T01:00:00Z', null, 0, null)`
    const rows = await budgetAlerts(db.sql, 'b')
    expect(rows).toEqual([
      {
        budget: 'b',
        threshold: 1,
        windowStart: '2026-01-01T00:00:00.000Z',
        createdAt: '2026-01-01T05:00:00.000Z',
        deliveredAt: null,
        attempts: 3,
        lastError: 'HTTP 500',
      },
      {
        budget: 'b',
        threshold: 0.5,
        windowStart: '2026-01-02T00:00:00.000Z',
        createdAt: '2026-01-02T01:00:00.000Z',
        deliveredAt: '2026-01-02T01:00:01.000Z',
        attempts: 1,
        lastError: null,
      },
      expect.objectContaining({ threshold: 0.5, windowStart: '2026-01-01T00:00:00.000Z' }),
    ])
    expect(await budgetAlerts(db.sql, 'b', { limit: 1 })).toHaveLength(1)
  })
})
