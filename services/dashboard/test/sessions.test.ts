// Sessions against a real Postgres: a session whose requests two proxy writers flushed at once
// (as two replicas do) adds up exactly, on its page and in the list; the list and a session's
// page equal plain SQL over usage_events (reference.ts); the JSON API, the CSV export, the
// event log's session filter and the pages over the same data.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createPostgresSink, silentLogger } from '@tokentap/proxy'
import type { UsageRecord } from '@tokentap/shared'
import {
  type EventRow,
  type Filters,
  type SessionDetail,
  type SessionRow,
  tokensOf,
} from '@tokentap/shared/api'
import { postgres } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { createDashboardApp } from '../src/app.ts'
import { parseFilters } from '../src/data/filters.ts'
import { createDataAccess } from '../src/data/index.ts'
import type { DataAccess } from '../src/data/types.ts'
import { refEventIds, refSession, refSessions } from './reference.ts'
import { record, SEED_NOW, seed } from './seed.ts'

const SHARED = 'c0ffee00-2434-4741-a166-4f587a5a8096'
/** An X-Tokentap-Session tag may hold any printable ASCII: its URL must be encoded. */
const ODD = 'run 42/a?b#c'

let db: TestDatabase
let data: DataAccess
let app: ReturnType<typeof createDashboardApp>
/** The two-writer session's records. */
let shared: UsageRecord[]

/** Writes `records` through two proxy writers (own pools, small batches, concurrent flushes),
 *  alternating records between them. */
async function twoWriters(url: string, records: UsageRecord[]): Promise<void> {
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'tt-two-writers-')))
  const pools = dirs.map(() => postgres(url, { max: 2, onnotice: () => {} }))
  const sinks = pools.map((sql, i) =>
    createPostgresSink({
      sql,
      spoolDir: dirs[i]!,
      batchSize: 7 + i * 4,
      intervalMs: 5,
      concurrency: 2,
      log: silentLogger,
    }),
  )
  try {
    for (const [i, r] of records.entries()) sinks[i % 2]!.write({ record: r, bodies: null })
    await Promise.all(sinks.map((s) => s.close()))
  } finally {
    await Promise.all(pools.map((p) => p.end({ timeout: 1 })))
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

beforeAll(async () => {
  db = await testDatabase()
  await seed(db.sql)
  const start = SEED_NOW.getTime() - 3 * 3_600_000
  shared = makeRecords(240, { seed: 16, startMs: start, spanMs: 2 * 3_600_000 }).map((r, i) => ({
    ...r,
    session: SHARED,
    user: i % 50 === 7 ? 'zed' : 'alice',
    agent: i % 3 === 0 ? null : `agent-${i % 3}`,
    agentType: i % 3 === 0 ? null : i % 3 === 1 ? 'general-purpose' : 'Explore',
  }))
  await twoWriters(db.url, [
    ...shared,
    record({ session: ODD, startedAt: '2026-01-17T15:00:00.000Z', costUsd: 0.125 }),
    // Nine requests: ordered as text, "9" would come before "240".
    ...Array.from({ length: 9 }, (_, i) =>
      record({ session: 'nine', startedAt: `2026-01-17T14:0${i}:00.000Z`, costUsd: 0.001 }),
    ),
  ])
  data = createDataAccess(db.sql)
  app = createDashboardApp({ data, now: () => SEED_NOW })
}, 90_000)
afterAll(() => db?.drop())

const f = (q: Record<string, string>): Filters => parseFilters(q, { now: SEED_NOW })
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function json(path: string): Promise<{ status: number; body: any }> {
  const res = await app.request(path)
  return { status: res.status, body: await res.json() }
}

/** Exact USD of records (costs have at most 8 decimals, as cost_usd stores them). */
const exactCost = (rs: UsageRecord[]): number =>
  Number(rs.reduce((n, r) => n + BigInt(Math.round((r.costUsd ?? 0) * 1e8)), 0n)) / 1e8

/** A session's Totals alone (no id, span, attribution or agents). */
const figures = (s: SessionRow & { agents?: unknown }) => {
  const {
    session: _,
    firstAt: _f,
    lastAt: _l,
    programs: _p,
    users: _u,
    projects: _j,
    agents: _a,
    ...t
  } = s
  return t
}

describe('a session written by two proxy writers at once', () => {
  test('its page and its list row agree with each other and with its records, to 1e-8 dollar', async () => {
    const page = (await data.session(SHARED)) as SessionDetail
    expect(page.requests).toBe(shared.length)
    expect(page.costUsd).toBe(exactCost(shared))
    const row = (await data.sessions(f({}), { sort: 'cost', limit: 1000 })).find(
      (s) => s.session === SHARED,
    )
    expect(row).toBeDefined()
    const { agents: _, ...head } = page
    expect(row).toEqual(head)
    expect(head.users).toEqual(['alice', 'zed'])
    expect(head.firstAt).toBe(shared[0]!.startedAt)
    expect(head.lastAt).toBe(shared.at(-1)!.startedAt)
  })

  test('by sub-agent: main thread first, each equal to plain SQL, summing to the whole', async () => {
    const page = (await data.session(SHARED)) as SessionDetail
    const ref = await refSession(db.sql, SHARED)
    expect(figures(page)).toEqual(ref.get('')!)
    expect(page.agents.map((a) => [a.agent, a.agentType])).toEqual([
      [null, null],
      ...page.agents.slice(1).map((a) => [a.agent, a.agentType]),
    ])
    expect(page.agents).toHaveLength(3)
    for (const a of page.agents) {
      const { agent, agentType, firstAt: _f, lastAt: _l, ...t } = a
      expect(t).toEqual(ref.get(`${agent ?? ''}|${agentType ?? ''}`)!)
    }
    const costs = page.agents.slice(1).map((a) => a.costUsd)
    expect(costs).toEqual([...costs].sort((x, y) => y - x))
    expect(exactCost(shared.filter((r) => r.agent === 'agent-1'))).toBe(
      page.agents.find((a) => a.agent === 'agent-1')!.costUsd,
    )
  })
})

describe('the sessions list', () => {
  for (const q of [
    {},
    { range: '30d' },
    { range: 'today', user: 'alice' },
    { from: '2026-01-09', to: '2026-01-10' },
  ]) {
    test(`equals plain SQL over usage_events: ${new URLSearchParams(q)}`, async () => {
      const got = await data.sessions(f(q), { sort: 'cost', limit: 1000 })
      const ref = await refSessions(db.sql, f(q))
      expect(got.map((s) => [s.session, s.firstAt, s.lastAt, s.users, figures(s)])).toEqual(
        ref.map((s) => [s.session, s.firstAt, s.lastAt, s.users, s.totals]),
      )
    })
  }

  test('sorts: most recent, most requests, most tokens, as numbers; limit', async () => {
    const all = await data.sessions(f({ range: '30d' }), { sort: 'last', limit: 1000 })
    const last = all.map((s) => s.lastAt)
    expect(last).toEqual([...last].sort().reverse())
    const desc = (xs: number[]) => expect(xs).toEqual([...xs].sort((a, b) => b - a))
    const q = f({ range: '30d' })
    desc((await data.sessions(q, { sort: 'requests', limit: 1000 })).map((s) => s.requests))
    desc((await data.sessions(q, { sort: 'tokens', limit: 1000 })).map(tokensOf))
    desc((await data.sessions(q, { sort: 'cost', limit: 1000 })).map((s) => s.costUsd))
    const byRequests = await data.sessions(f({ range: '30d' }), { sort: 'requests', limit: 2 })
    expect(byRequests).toHaveLength(2)
    expect(byRequests[0]!.requests).toBe(Math.max(...all.map((s) => s.requests)))
  })
})

describe('sessions API', () => {
  test('GET /api/sessions: the list, sort and limit; a bad sort is a 400 naming it', async () => {
    const { status, body } = await json('/api/sessions?range=30d&sort=last&limit=3')
    expect(status).toBe(200)
    expect(body.sort).toBe('last')
    expect(body.sessions).toEqual(
      await data.sessions(f({ range: '30d' }), { sort: 'last', limit: 3 }),
    )
    const bad = await json('/api/sessions?sort=cheapest')
    expect(bad.status).toBe(400)
    expect(bad.body.message).toContain('sort: expected one of cost, last, requests, tokens')
  })

  test('GET /api/sessions/:id: the session by sub-agent; any printable id; 404 JSON', async () => {
    const { status, body } = await json(`/api/sessions/${SHARED}`)
    expect(status).toBe(200)
    expect(body).toEqual(await data.session(SHARED))
    const odd = await json(`/api/sessions/${encodeURIComponent(ODD)}`)
    expect(odd.status).toBe(200)
    expect(odd.body).toMatchObject({ session: ODD, requests: 1, costUsd: 0.125 })
    const missing = await json('/api/sessions/no-such-session')
    expect(missing).toEqual({
      status: 404,
      body: { error: 'not_found', message: 'no such session' },
    })
  })

  test('GET /api/sessions.csv: a header and a row per session, several values joined', async () => {
    const res = await app.request('/api/sessions.csv?range=30d')
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (await res.text()).trim().split('\r\n')
    expect(lines[0]).toStartWith('session,firstAt,lastAt,programs,users,projects,requests,')
    const rows = await data.sessions(f({ range: '30d' }), { sort: 'cost', limit: 5000 })
    expect(lines).toHaveLength(rows.length + 1)
    expect(lines.find((l) => l.startsWith(SHARED))).toContain(',alice … zed,')
  })

  test("the event log's session filter: exactly the session's events, through the index", async () => {
    const q = { range: '30d', session: SHARED }
    const ids: string[] = []
    let cursor: string | null = null
    do {
      const page: { body: { events: EventRow[]; nextCursor: string | null } } = await json(
        `/api/events?${new URLSearchParams({ ...q, limit: '50', ...(cursor ? { cursor } : {}) })}`,
      )
      ids.push(...page.body.events.map((e) => e.id))
      expect(page.body.events.every((e) => e.session === SHARED)).toBe(true)
      cursor = page.body.nextCursor
    } while (cursor)
    expect(ids).toEqual(await refEventIds(db.sql, f(q)))
    expect(ids).toHaveLength(shared.length)
    // The event log's query shape (events.ts): session equality, range, newest first.
    const plan = await db.sql.unsafe(
      `explain select id from usage_events where session = $1 and started_at >= now() - interval '30 days'
       order by started_at desc limit 51`,
      [SHARED],
    )
    // usage_events is partitioned by month: each partition's copy of the index is named
    // usage_events_YYYY_MM_session_started_at_idx.
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(
      /using usage_events_(\d{4}_\d{2}_)?session_started_at_idx/,
    )
  })
})

describe('sessions pages over the database', () => {
  test('/sessions lists the session with its figures; its page shows the sub-agents', async () => {
    const list = await (await app.request('/sessions?range=30d')).text()
    expect(list).toContain(`href="/sessions/${SHARED}?range=30d"`)
    expect(list).toContain(`href="/sessions/${encodeURIComponent(ODD)}?range=30d"`)
    const page = await (await app.request(`/sessions/${SHARED}`)).text()
    expect(page).toContain('Main thread')
    expect(page).toContain('general-purpose')
    expect(page).toContain('Explore')
    expect(page).toContain(`session=${SHARED}`)
  })
})
