// The JSON API through app.request against a real Postgres with the seeded data: every number
// equals plain SQL over usage_events; pagination walks every row once. CSV: api-csv.test.ts.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { GENAI_PRICES_VERSION, overridesVersion } from '@tokentap/shared'
import {
  type BudgetStatus,
  DIMENSIONS,
  type EventRow,
  type Filters,
  type PricesResponse,
} from '@tokentap/shared/api'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { createDashboardApp } from '../src/app.ts'
import { parseFilters } from '../src/data/filters.ts'
import { createDataAccess } from '../src/data/index.ts'
import { refEventIds, refGroups, refSummary } from './reference.ts'
import { SEED_NOW, type Seeded, seed } from './seed.ts'

let db: TestDatabase
let seeded: Seeded
let app: ReturnType<typeof createDashboardApp>

beforeAll(async () => {
  db = await testDatabase()
  seeded = await seed(db.sql)
  const data = createDataAccess(db.sql, {
    budgets: () => ({
      timezone: 'UTC',
      budgets: [
        {
          name: 'team-daily',
          period: 'day',
          limitUsd: 5,
          thresholds: [0.5],
          scope: {},
          webhookUrl: 'https://hooks.slack.com/services/T000/B000/secret',
        },
        {
          name: 'hard',
          period: 'day',
          limitUsd: 0.01,
          thresholds: [1],
          scope: {},
          action: 'block',
        },
      ],
    }),
  })
  app = createDashboardApp({ data, now: () => SEED_NOW })
}, 60_000)
afterAll(() => db?.drop())

const f = (q: Record<string, string>): Filters => parseFilters(q, { now: SEED_NOW })
const qs = (q: Record<string, string>): string => new URLSearchParams(q).toString()
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await app.request(path, init)
  return { status: res.status, body: await res.json() }
}

const QUERIES: Array<Record<string, string>> = [
  {},
  { range: '30d', tz: 'America/New_York', user: 'alice' },
  { from: '2026-01-09T10:17:05.5Z', to: '2026-01-15T07:42:00Z', project: '(none)' },
]

describe('JSON API', () => {
  for (const q of QUERIES) {
    test(`summary ${qs(q)}`, async () => {
      const { status, body } = await json(`/api/summary?${qs(q)}`)
      expect(status).toBe(200)
      expect(body.totals).toEqual(await refSummary(db.sql, f(q)))
      expect(body.filters.from).toBe(f(q).from.toISOString())
    })
    for (const by of DIMENSIONS) {
      test(`breakdown by ${by} ${qs(q)}`, async () => {
        const { body } = await json(`/api/breakdown?${qs({ ...q, by })}`)
        const got = new Map((body.rows as Array<{ key: string }>).map(({ key, ...t }) => [key, t]))
        expect(got).toEqual(await refGroups(db.sql, f(q), `coalesce("${by}", '')`))
      })
    }
    test(`timeseries day ${qs(q)}`, async () => {
      const { body } = await json(`/api/timeseries?${qs({ ...q, bucket: 'day' })}`)
      const ref = await refGroups(
        db.sql,
        f(q),
        `to_char(date_trunc('day', started_at, $1) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
        [f(q).timezone],
      )
      const points = (body.points as Array<{ t: string; requests: number }>).filter(
        (p) => p.requests > 0,
      )
      expect(new Map(points.map(({ t, ...tot }) => [t, tot]))).toEqual(ref)
    })
  }

  test('timeseries picks hourly buckets for short ranges', async () => {
    const { body } = await json('/api/timeseries?range=today')
    expect(body.bucket).toBe('hour')
    expect(body.points).toHaveLength(24)
  })

  test('events: pages walk every row once', async () => {
    const q = { range: '30d', stream: 'true' }
    const ids: string[] = []
    let cursor: string | null = null
    do {
      const page: { status: number; body: { events: EventRow[]; nextCursor: string | null } } =
        await json(`/api/events?${qs({ ...q, limit: '37', ...(cursor ? { cursor } : {}) })}`)
      expect(page.status).toBe(200)
      ids.push(...page.body.events.map((e) => e.id))
      cursor = page.body.nextCursor
    } while (cursor)
    expect(ids).toEqual(await refEventIds(db.sql, f(q)))
  })

  test('event detail, 404 for unknown', async () => {
    const { status, body } = await json(`/api/events/${seeded.bodiesId}`)
    expect(status).toBe(200)
    expect(body.bodies).toEqual({ request: '{"model":"gpt-5"}', response: 'data: done' })
    expect((await json('/api/events/00000000-0000-7000-8000-000000000000')).status).toBe(404)
    expect((await json('/api/events/nope')).status).toBe(404)
  })

  test('budgets', async () => {
    const { body } = await json('/api/budgets')
    expect(body.budgets).toHaveLength(2)
    expect(body.budgets[0].budget.name).toBe('team-daily')
    // Which budgets block now, and whom they refused (hard budgets only).
    expect(body.budgets.map((b: BudgetStatus) => [b.budget.name, b.blocking, b.blocked])).toEqual([
      ['team-daily', false, null],
      ['hard', true, { requests: 0, users: [] }],
    ])
    // A webhook URL is a secret: never shown.
    expect(JSON.stringify(body)).not.toContain('hooks.slack.com')
    expect(body.budgets[0].spend.spentUsd).toBeCloseTo(
      (await refSummary(db.sql, f({ range: 'today' }))).billedCostUsd,
      8,
    )
  })

  test('limits: accounts from account_limits, worst first, windows as JSON', async () => {
    const windows = {
      'unified-5h': {
        used: 1,
        limit: null,
        remaining: null,
        resetAt: '2026-01-17T18:00:00.000Z',
        minutes: 300,
        status: 'rejected',
        unit: 'usage',
        observedAt: '2026-01-17T15:00:00.000Z',
      },
    }
    await db.sql`insert into account_limits (account, provider, billing_kind, last_user,
        first_seen_at, last_seen_at, windows, status, observed_at)
      values ('okokokokokokokokokok', 'openai', 'api_key', 'bob', '2026-01-16T00:00:00Z',
          '2026-01-17T15:10:00Z', '{}', null, null),
        ('atatatatatatatatatat', 'anthropic', 'subscription', 'alice', '2026-01-16T00:00:00Z',
          '2026-01-17T15:00:00Z', ${JSON.stringify(windows)}::jsonb, 'rejected',
          '2026-01-17T15:00:00Z'),
        ('oldoldoldoldoldoldol', 'anthropic', 'api_key', 'carol', '2026-01-01T00:00:00Z',
          '2026-01-02T00:00:00Z', '{}', null, null)`
    try {
      const { status, body } = await json('/api/limits')
      expect(status).toBe(200)
      expect(body.now).toBe(SEED_NOW.toISOString())
      // at a limit first; not seen for 8 days: left out
      expect(body.accounts.map((a: { account: string }) => a.account)).toEqual([
        'atatatatatatatatatat',
        'okokokokokokokokokok',
      ])
      expect(body.accounts[0]).toMatchObject({
        provider: 'anthropic',
        billingKind: 'subscription',
        lastUser: 'alice',
        status: 'rejected',
        count429: 0,
        windows,
      })
    } finally {
      await db.sql`delete from account_limits`
    }
  })

  test('filter options', async () => {
    const { body } = await json('/api/filter-options?range=30d')
    expect(body.options.user).toContain('dave')
  })

  test('bad input is a 400 naming the problem', async () => {
    for (const [path, msg] of [
      ['/api/summary?range=forever', 'range'],
      ['/api/summary?tz=Mars/Base', 'tz'],
      ['/api/breakdown?by=color', 'by'],
      ['/api/timeseries?bucket=minute', 'bucket'],
      ['/api/timeseries?bucket=hour&from=2025-01-01&to=2026-01-01', 'bucket=hour'],
      ['/api/events?limit=0', 'limit'],
      ['/api/events?cursor=garbage', 'cursor'],
      ['/api/stream?outcome=great', 'outcome'],
    ] as const) {
      const { status, body } = await json(path)
      expect(status).toBe(400)
      expect(body.error).toBe('bad_request')
      expect(body.message).toContain(msg)
    }
  })

  test('unknown API routes are JSON 404s', async () => {
    const { status, body } = await json('/api/nope')
    expect(status).toBe(404)
    expect(body.error).toBe('not_found')
  })
})

describe('price tables', () => {
  test('/api/prices: genai-prices, the TOKENTAP_PRICES file (re-read when it changes), the newest priced row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-prices-'))
    try {
      const file = join(dir, 'prices.json')
      const v1 = '{"models":[]}\n'
      writeFileSync(file, v1)
      utimesSync(file, new Date('2026-01-10T08:30:00Z'), new Date('2026-01-10T08:30:00Z'))
      const data = createDataAccess(db.sql, { pricesFile: file })
      const priced = createDashboardApp({ data, now: () => SEED_NOW })
      const read = async () => {
        const res = await priced.request('/api/prices')
        expect(res.status).toBe(200)
        expect(res.headers.get('cache-control')).toBe('no-store')
        return (await res.json()) as PricesResponse
      }
      const [newest] = await db.sql`select price_version, price_source,
          to_char(started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at
        from usage_events where price_version is not null order by started_at desc limit 1`
      expect(await read()).toEqual({
        genaiPrices: GENAI_PRICES_VERSION,
        overrides: {
          file: 'prices.json',
          modifiedAt: '2026-01-10T08:30:00.000Z',
          version: overridesVersion(v1),
          error: null,
        },
        lastPriced: {
          priceVersion: newest?.price_version,
          priceSource: newest?.price_source,
          startedAt: newest?.at,
        },
      })
      const v2 = '{"models":[], "credits":[]}\n'
      writeFileSync(file, v2)
      expect((await read()).overrides?.version).toBe(overridesVersion(v2))
      expect(overridesVersion(v2)).not.toBe(overridesVersion(v1))
      rmSync(file)
      expect((await read()).overrides).toEqual({
        file: 'prices.json',
        modifiedAt: null,
        version: null,
        error: 'ENOENT',
      })
      // Unset: no file; the default app (no pricesFile) says so.
      expect((await json('/api/prices')).body.overrides).toBeNull()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
