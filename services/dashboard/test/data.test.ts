// The query layer against a real Postgres with the seeded data: every total, breakdown and
// time-series number equals plain SQL over usage_events (partial edge hours, odd time zones,
// '' attributions); the event log walks every row once; details carry bodies.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { DIMENSIONS, type Filters } from '@tokentap/shared/api'
import { insertRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { createAggregateCache } from '../src/data/cache.ts'
import { parseFilters } from '../src/data/filters.ts'
import { createDataAccess } from '../src/data/index.ts'
import type { DataAccess } from '../src/data/types.ts'
import { refEventIds, refGroups, refSummary } from './reference.ts'
import { record, SEED_NOW, type Seeded, seed } from './seed.ts'

let db: TestDatabase
let data: DataAccess
let seeded: Seeded

beforeAll(async () => {
  db = await testDatabase()
  seeded = await seed(db.sql)
  data = createDataAccess(db.sql)
}, 60_000)
afterAll(() => db?.drop())

const f = (q: Record<string, string>): Filters => parseFilters(q, { now: SEED_NOW })

const CASES: Array<Record<string, string>> = [
  {},
  { range: 'today' },
  { range: '30d' },
  { range: '30d', tz: 'America/New_York' },
  { range: '7d', tz: 'Asia/Kolkata' },
  { range: '7d', tz: 'Australia/Lord_Howe' },
  { from: '2026-01-09T10:17:05.5Z', to: '2026-01-15T07:42:00Z' },
  { from: '2026-01-10T10:20', to: '2026-01-10T10:40', tz: 'Europe/Berlin' },
  { from: '2026-01-16', to: '2026-01-16', tz: 'Asia/Kolkata' },
  { range: '30d', user: 'alice' },
  { range: '30d', user: '(none)', provider: 'anthropic' },
  { range: '30d', project: '(none)' },
  { range: '30d', model: 'gpt-5', program: 'codex' },
  { range: '30d', user: 'nobody-at-all' },
]

describe('aggregates equal SQL over usage_events', () => {
  test('seed sanity', async () => {
    const [r] = await db.sql`select count(*)::int as n from usage_events`
    expect(r?.n).toBe(seeded.records.length)
    // Every billed-unit measure is exercised (the comparisons below could not fail otherwise).
    const all = await refSummary(db.sql, f({ range: '30d' }))
    expect(all.audioInputTokens).toBeGreaterThan(0)
    expect(all.audioOutputTokens).toBeGreaterThan(0)
    expect(all.webSearches).toBeGreaterThan(0)
    expect(all.partiallyPricedRequests).toBeGreaterThan(0)
  })

  for (const q of CASES) {
    test(`summary ${JSON.stringify(q)}`, async () => {
      const filters = f(q)
      expect(await data.summary(filters)).toEqual(await refSummary(db.sql, filters))
    })
  }

  for (const d of DIMENSIONS) {
    for (const q of [CASES[6]!, CASES[2]!, CASES[10]!]) {
      test(`breakdown by ${d} ${JSON.stringify(q)}`, async () => {
        const filters = f(q)
        const got = await data.breakdown(filters, d)
        const ref = await refGroups(db.sql, filters, `coalesce("${d}", '')`)
        expect(new Map(got.map(({ key, ...t }) => [key, t]))).toEqual(ref)
        // Ordered by cost, then requests.
        const costs = got.map((r) => r.costUsd)
        expect(costs).toEqual([...costs].sort((a, b) => b - a))
      })
    }
  }

  test('breakdown limit', async () => {
    const all = await data.breakdown(f({ range: '30d' }), 'model')
    const two = await data.breakdown(f({ range: '30d' }), 'model', 2)
    expect(two).toEqual(all.slice(0, 2))
  })

  for (const q of CASES.slice(0, 9)) {
    for (const bucket of ['hour', 'day'] as const) {
      test(`timeseries ${bucket} ${JSON.stringify(q)}`, async () => {
        const filters = f(q)
        const got = await data.timeseries(filters, bucket)
        const key =
          bucket === 'hour'
            ? `to_char(date_trunc('hour', started_at, 'UTC') at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
            : `to_char(date_trunc('day', started_at, $1) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        const ref = await refGroups(
          db.sql,
          filters,
          key,
          bucket === 'day' ? [filters.timezone] : [],
        )
        const nonEmpty = got.filter((p) => p.requests > 0)
        expect(new Map(nonEmpty.map(({ t, ...tot }) => [t, tot]))).toEqual(ref)
        // Dense and ordered: consecutive buckets, the first at or before `from`.
        const ts = got.map((p) => Date.parse(p.t))
        expect(ts).toEqual([...ts].sort((a, b) => a - b))
        expect(ts[0]!).toBeLessThanOrEqual(filters.from.getTime())
        expect(ts[ts.length - 1]!).toBeLessThan(filters.to.getTime())
        if (bucket === 'hour')
          expect(ts.every((t, i) => i === 0 || t - ts[i - 1]! === 3_600_000)).toBe(true)
      })
    }
  }

  test('filter options list every value in range, none included', async () => {
    const opts = await data.filterOptions(f({ range: '30d' }))
    expect(opts.user).toContain('alice')
    expect(opts.user).toContain('')
    expect(opts.user).toContain('dave')
    expect(opts.provider).toEqual([...new Set(seeded.records.map((r) => r.provider))].sort())
  })
})

describe('event log', () => {
  const walk = async (filters: Filters, limit: number): Promise<string[]> => {
    const ids: string[] = []
    let cursor: string | undefined
    for (let i = 0; i < 1000; i++) {
      const page = await data.events(filters, cursor === undefined ? { limit } : { cursor, limit })
      ids.push(...page.events.map((e) => e.id))
      if (page.nextCursor === null) return ids
      expect(page.events.length).toBe(limit)
      cursor = page.nextCursor
    }
    throw new Error('pagination did not end')
  }

  for (const q of [
    { range: '30d' },
    { range: '30d', user: 'dave' },
    { range: '30d', user: '(none)' },
    { range: '7d', outcome: 'ok', stream: 'true' },
    { from: '2026-01-16T12:00:00Z', to: '2026-01-16T13:00:00Z' },
  ]) {
    test(`pagination walks every row once ${JSON.stringify(q)}`, async () => {
      const filters = f(q)
      const ids = await walk(filters, 7)
      expect(ids).toEqual(await refEventIds(db.sql, filters))
      expect(new Set(ids).size).toBe(ids.length)
    })
  }

  test('ties on started_at are ordered by id and paged across', async () => {
    const filters = f({ from: '2026-01-16T12:34:56Z', to: '2026-01-16T12:34:57Z' })
    const ids = await walk(filters, 1)
    expect(ids.length).toBeGreaterThanOrEqual(3)
    expect(ids).toEqual(await refEventIds(db.sql, filters))
  })

  test('a bad cursor is a FilterError', async () => {
    await expect(data.events(f({}), { cursor: 'nope', limit: 5 })).rejects.toThrow(/cursor/)
  })

  test('rows carry numbers, not strings', async () => {
    const page = await data.events(f({ range: '30d', user: 'dave' }), { limit: 50 })
    const priced = page.events.find((e) => e.costUsd !== null)
    expect(priced?.costUsd).toBe(1.5)
    for (const e of page.events) {
      expect(typeof e.durationMs).toBe('number')
      expect(e.startedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
    }
  })

  test('event detail with bodies; unknown and malformed ids are null', async () => {
    const d = await data.event(seeded.bodiesId)
    expect(d?.bodies).toEqual({ request: '{"model":"gpt-5"}', response: 'data: done' })
    expect(d?.program).toBe('=cmd')
    const other = seeded.records[0]!
    const d2 = await data.event(other.id)
    expect(d2?.bodies).toBeNull()
    expect(d2?.rawUsage).toEqual(JSON.parse(JSON.stringify(other.rawUsage)))
    expect(d2?.requestBytes).toBe(other.requestBytes)
    expect(await data.event('00000000-0000-7000-8000-000000000000')).toBeNull()
    expect(await data.event('not-a-uuid')).toBeNull()
  })

  test('eventsAfter returns newer rows, newest first', async () => {
    const all = await refEventIds(db.sql, f({ range: '30d' }))
    const sortedById = [...all].sort()
    const pivot = sortedById[sortedById.length - 4]!
    const after = await data.eventsAfter(f({ range: '30d' }), pivot, 10)
    expect(after.map((e) => e.id)).toEqual(sortedById.slice(-3).reverse())
  })
})

describe('budgets', () => {
  test('no config → []', async () => {
    expect(await data.budgets(SEED_NOW)).toEqual([])
  })
  test('each budget with window, spend and alerts', async () => {
    const withBudgets = createDataAccess(db.sql, {
      budgets: () => ({
        timezone: 'UTC',
        budgets: [
          { name: 'team-daily', period: 'day', limitUsd: 10, thresholds: [0.5, 0.8, 1], scope: {} },
          { name: 'dave', period: 'month', limitUsd: 3, thresholds: [1], scope: { user: 'dave' } },
          {
            name: 'dave-hard',
            period: 'month',
            limitUsd: 1.5,
            thresholds: [1],
            scope: { user: 'dave' },
            action: 'block',
          },
          {
            name: 'dave-roomy',
            period: 'month',
            limitUsd: 1.51,
            thresholds: [1],
            scope: { user: 'dave' },
            action: 'block',
          },
          {
            name: 'all-in',
            period: 'day',
            limitUsd: 10,
            thresholds: [1],
            scope: {},
            counts: 'all',
          },
        ],
      }),
    })
    const [team, dave, hard, roomy, allIn] = await withBudgets.budgets(SEED_NOW)
    expect(team?.window).toEqual({
      start: '2026-01-17T00:00:00.000Z',
      end: '2026-01-18T00:00:00.000Z',
    })
    const ref = await refSummary(db.sql, f({ range: 'today' }))
    // billed spend by default; a budget that counts all adds the subscription value
    expect(team?.spend.spentUsd).toBeCloseTo(ref.billedCostUsd, 8)
    expect(team?.ratio).toBeCloseTo(ref.billedCostUsd / 10, 8)
    expect(allIn?.spend.spentUsd).toBeCloseTo(ref.costUsd, 8)
    expect(ref.subscriptionValueUsd).toBeGreaterThan(0)
    expect(team?.alerts.map((a) => a.threshold)).toEqual([0.8, 0.5])
    expect(dave?.spend.spentUsd).toBe(1.5)
    expect(dave?.spend.unpricedRequests).toBe(1)
    // A hard budget blocks at or over its limit; only hard budgets count refusals.
    expect([dave, hard, roomy].map((b) => b?.blocking)).toEqual([false, true, false])
    expect(hard?.blocked).toEqual({ requests: 0, users: [] })
    expect(roomy?.blocked).toEqual({ requests: 0, users: [] })
    expect(dave?.blocked).toBeNull()
  })
})

describe('closed-hours cache', () => {
  const cache = createAggregateCache({ enabled: () => true })
  const cached = (): DataAccess => createDataAccess(db.sql, { cache, now: () => SEED_NOW })

  test('cold and warm reads equal SQL over usage_events', async () => {
    const d = cached()
    for (const round of ['cold', 'warm']) {
      for (const q of CASES) {
        const filters = f(q)
        expect({ round, q, t: await d.summary(filters) }).toEqual({
          round,
          q,
          t: await refSummary(db.sql, filters),
        })
        const by = await d.breakdown(filters, 'user')
        expect(new Map(by.map(({ key, ...t }) => [key, t]))).toEqual(
          await refGroups(db.sql, filters, `coalesce("user", '')`),
        )
        expect(await d.timeseries(filters, 'day')).toEqual(await data.timeseries(filters, 'day'))
        expect(await d.filterOptions(filters)).toEqual(await data.filterOptions(filters))
      }
    }
    expect(cache.size()).toBeGreaterThan(0)
  })

  test('a late row clears it; a stale read racing the clear is not stored', async () => {
    const d = cached()
    const filters = f({ range: '30d' })
    const before = await d.summary(filters)
    const late = record({ startedAt: '2026-01-12T08:30:00.000Z', costUsd: 7.25, user: 'late' })
    await insertRecords(db.sql, [late])
    // Without the live feed's word the cache still answers the old figure...
    expect((await d.summary(filters)).requests).toBe(before.requests)
    cache.noteRow(Date.parse(late.startedAt), SEED_NOW.getTime())
    const after = await d.summary(filters)
    expect(after).toEqual(await refSummary(db.sql, filters))
    expect(after.requests).toBe(before.requests + 1)
    // A row in the open hours does not clear it.
    const n = cache.size()
    cache.noteRow(SEED_NOW.getTime() - 60_000, SEED_NOW.getTime())
    expect(cache.size()).toBe(n)
    const g = cache.generation()
    cache.clear()
    cache.set('k', new Map(), g)
    expect(cache.size()).toBe(0)
  })

  test('disabled (feed down): bypassed, and cleared when it comes back', async () => {
    let up = false
    const c = createAggregateCache({ enabled: () => up })
    const d = createDataAccess(db.sql, { cache: c, now: () => SEED_NOW })
    await d.summary(f({ range: '30d' }))
    expect(c.size()).toBe(0)
    up = true
    await d.summary(f({ range: '30d' }))
    expect(c.size()).toBe(1)
    up = false
    expect(c.enabled()).toBe(false)
    up = true
    expect(c.enabled()).toBe(true)
    expect(c.size()).toBe(0)
  })
})
