// The sessions-index plan check: over a store with many sessions (usage_sessions rows written
// directly, 90 days of them), the Sessions list walks the index of its order (schema.ts,
// migration 0009) and stops at the limit instead of sorting every session in the range, and it
// still returns exactly what a plain full sort returns (ties, narrow and filtered ranges too).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type Filters, SESSION_SORTS, type SessionSort } from '@tokentap/shared/api'
import { postgres, type Sql } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { parseFilters } from '../src/data/filters.ts'
import { sessions } from '../src/data/sessions.ts'

const NOW = new Date('2026-03-01T12:00:00Z')
const SESSIONS = 20_000
const f = (q: Record<string, string>): Filters => parseFilters(q, { now: NOW })

/** Each order written out independently of data/sessions.ts (the reference). */
const REFERENCE: Record<SessionSort, string> = {
  cost: 'cost_usd desc, requests desc, session asc',
  last: 'last_at desc, session asc',
  requests: 'requests desc, cost_usd desc, session asc',
  tokens: `input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens
    + cache_write_1h_tokens desc, cost_usd desc, session asc`,
}
const INDEX: Record<SessionSort, string> = {
  cost: 'usage_sessions_cost_idx',
  last: 'usage_sessions_last_at_idx',
  requests: 'usage_sessions_requests_idx',
  tokens: 'usage_sessions_tokens_idx',
}

let db: TestDatabase
/** A pool that records the text and parameters of every query that reads usage_sessions. */
let traced: Sql
const seen: Array<{ query: string; params: unknown[] }> = []

beforeAll(async () => {
  db = await testDatabase()
  // Two-hour sessions every ~6.5 minutes over 90 days; costs, requests and tokens repeat (ties
  // fall to the next key), a few users.
  await db.sql.unsafe(
    `insert into usage_sessions (session, first_at, last_at, user_min, user_max, requests,
       cost_usd, input_tokens, output_tokens, cache_read_tokens)
     select md5(i::text)::uuid::text, t, t + ((i % 120) || ' minutes')::interval,
       'user-' || (i % 7), 'user-' || (i % 7 + i % 2), 1 + (i * 37) % 50,
       ((i * 7919) % 997)::numeric / 100, (i * 104729) % 5000, (i * 13) % 300, (i % 11) * 100
     from generate_series(1, $1::int) i,
       lateral (select $2::timestamptz - (i * interval '90 days' / $1::int) as t) x`,
    [SESSIONS, NOW.toISOString()],
  )
  await db.sql.unsafe('analyze usage_sessions')
  traced = postgres(db.url, {
    max: 1,
    onnotice: () => {},
    debug: (_conn, query, params) => {
      if (query.includes('usage_sessions')) seen.push({ query, params: [...params] })
    },
  })
}, 90_000)

afterAll(async () => {
  await traced?.end({ timeout: 1 })
  await db?.drop()
})

/** Runs the list as the dashboard does and returns its ids and the plan of its query. */
async function listAndPlan(
  q: Record<string, string>,
  sort: SessionSort,
  limit: number,
): Promise<{ ids: string[]; plan: string }> {
  seen.length = 0
  const rows = await sessions(traced, f(q), { sort, limit })
  expect(seen).toHaveLength(1)
  const { query, params } = seen[0]!
  const plan = await db.sql.unsafe(`explain ${query}`, params as string[])
  return { ids: rows.map((r) => r.session), plan: plan.map((r) => r['QUERY PLAN']).join('\n') }
}

async function reference(q: Record<string, string>, sort: SessionSort, limit: number) {
  const { from, to, user } = f(q)
  const rows = await db.sql.unsafe<{ session: string }[]>(
    `select session from usage_sessions
     where last_at >= $1 and first_at < $2 and ($3::text is null or $3 in (user_min, user_max))
     order by ${REFERENCE[sort]} limit ${limit}`,
    [from.toISOString(), to.toISOString(), user ?? null],
  )
  return rows.map((r) => r.session)
}

describe('the sessions list over many sessions', () => {
  test.each([...SESSION_SORTS])(
    'sort %s walks its index and stops at the limit',
    async (sort) => {
      for (const range of ['7d', '30d']) {
        const { ids, plan } = await listAndPlan({ range }, sort, 100)
        expect(ids).toHaveLength(100)
        expect(plan).toMatch(new RegExp(`Index (Only )?Scan using ${INDEX[sort]} `))
        // One sort only: the page's 100 rows after the join, none over the range's sessions.
        expect(plan.match(/(^|->)\s*Sort\s+\(/gm)).toHaveLength(1)
        expect(plan).not.toContain('Bitmap Heap Scan')
      }
    },
    30_000,
  )

  test.each([...SESSION_SORTS])(
    'sort %s returns what a full sort returns',
    async (sort) => {
      const cases: Array<[Record<string, string>, number]> = [
        [{ range: '7d' }, 100],
        [{ range: '30d' }, 1000],
        // A narrow range long ago, and a filter that most sessions fail.
        [{ from: '2026-01-10T00:00Z', to: '2026-01-10T03:00Z' }, 100],
        [{ range: '30d', user: 'user-3' }, 100],
      ]
      for (const [q, limit] of cases) {
        const { ids } = await listAndPlan(q, sort, limit)
        const want = await reference(q, sort, limit)
        expect(want.length).toBeGreaterThan(0)
        expect(ids).toEqual(want)
      }
    },
    30_000,
  )
})
