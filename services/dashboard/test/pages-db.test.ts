// The HTML pages against a real Postgres with the seeded data: the figures a page prints equal
// plain SQL over usage_events (reference.ts), formatted as the views format them.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { billedOfTotals, formatInt, valueOfTotals } from '@tokentap/shared/api'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { parseFilters } from '../src/data/filters.ts'
import { createDataAccess } from '../src/data/index.ts'
import { pageRoutes } from '../src/pages/index.ts'
import { refEventIds, refGroups, refSummary } from './reference.ts'
import { SEED_NOW, type Seeded, seed } from './seed.ts'

let db: TestDatabase
let seeded: Seeded
let app: ReturnType<typeof pageRoutes>

beforeAll(async () => {
  db = await testDatabase()
  seeded = await seed(db.sql)
  const data = createDataAccess(db.sql, {
    budgets: () => ({
      timezone: 'UTC',
      budgets: [
        { name: 'team-daily', period: 'day', limitUsd: 5, thresholds: [0.5, 0.8, 1], scope: {} },
        {
          name: 'alice-weekly',
          period: 'week',
          limitUsd: 1000,
          thresholds: [0.8],
          scope: { user: 'alice' },
        },
      ],
    }),
  })
  app = pageRoutes({ data, now: () => SEED_NOW })
}, 60_000)
afterAll(() => db?.drop())

const page = async (url: string): Promise<string> => {
  const res = await app.request(url)
  expect(res.status).toBe(200)
  return res.text()
}
const filters = (q: Record<string, string>) => parseFilters(q, { now: SEED_NOW })

/** The text of the card labelled `label` on the overview. */
function card(html: string, label: string): string {
  const m = new RegExp(`<dt>${label}</dt><dd class="figure">(.*?)</dd>`).exec(html)
  if (!m) throw new Error(`no card ${label}`)
  return m[1]!.replace(/<[^>]+>/g, '')
}

describe('pages over seeded Postgres', () => {
  for (const q of [{ range: '30d' }, { range: '7d', user: 'alice' }, { range: 'today' }]) {
    test(`overview totals equal SQL ${JSON.stringify(q)}`, async () => {
      const html = await page(`/?${new URLSearchParams(q)}`)
      const ref = await refSummary(db.sql, filters(q))
      expect(ref.requests).toBeGreaterThan(0)
      expect(card(html, 'Requests')).toBe(formatInt(ref.requests))
      const cost = billedOfTotals(ref)
      expect(card(html, 'Billed spend')).toBe(
        `${cost.amount}${cost.unpriced > 0 ? ` + ${formatInt(cost.unpriced)} unpriced` : ''}${
          ref.partiallyPricedRequests > 0
            ? ` + ${formatInt(ref.partiallyPricedRequests)} partially priced`
            : ''
        }`,
      )
      // billed units (issue 14)
      if (ref.webSearches > 0) expect(card(html, 'Web searches')).toBe(formatInt(ref.webSearches))
      else expect(html).not.toContain('<dt>Web searches</dt>')
      const audio = ref.audioInputTokens + ref.audioOutputTokens
      if (audio > 0) {
        expect(html).toContain(
          `in ${formatInt(ref.audioInputTokens)} · out ${formatInt(ref.audioOutputTokens)}`,
        )
      }
      expect(ref.subscriptionValueUsd).toBeGreaterThan(0)
      expect(card(html, 'Subscription value')).toBe(`${valueOfTotals(ref).amount}sub`)
      expect(html).toContain(`title="${formatInt(ref.inputTokens)}"`)
    })
  }

  test('overview breakdown by user: each row equals SQL', async () => {
    const html = await page('/?range=30d')
    const ref = await refGroups(db.sql, filters({ range: '30d' }), `coalesce("user", '')`)
    const section = /<section class="breakdown" aria-labelledby="by-user">(.*?)<\/section>/.exec(
      html,
    )![1]!
    for (const [key, t] of ref) {
      const label = key === '' ? '\\(none\\)' : key
      const row = new RegExp(`>${label}</a></th><td class="num">([^<]*)</td>`).exec(section)
      expect(row?.[1]).toBe(formatInt(t.requests))
    }
  })

  test('event log: first page is the newest 50 in SQL order; older link walks on', async () => {
    const q = { range: '30d', outcome: 'ok' }
    const ids = await refEventIds(db.sql, filters(q))
    const html = await page(`/events?${new URLSearchParams(q)}`)
    const shown = [...html.matchAll(/<tr id="ev-([0-9a-f-]{36})"/g)].map((m) => m[1])
    expect(shown).toEqual(ids.slice(0, 50))
    const older = /rel="next" href="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&')
    const html2 = await page(older)
    const shown2 = [...html2.matchAll(/<tr id="ev-([0-9a-f-]{36})"/g)].map((m) => m[1])
    expect(shown2).toEqual(ids.slice(50, 100))
  })

  test('live fragment returns the events after a given id, newest first', async () => {
    // UUIDv7 order (the proxy's ids follow time; the seed's extra rows do not, so use ids).
    const rows = await db.sql<{ id: string }[]>`
      select id::text as id from usage_events order by id desc limit 4`
    const ids = rows.map((r) => r.id)
    const html = await page(`/fragments/events/newer?range=30d&after=${ids[3]}`)
    const shown = [...html.matchAll(/<tr id="ev-([0-9a-f-]{36})"/g)].map((m) => m[1])
    expect(shown).toEqual(ids.slice(0, 3))
    expect(html).toContain(`value="${ids[0]}" hx-swap-oob="true"`)
  })

  test('event log and detail: a partially priced row names what was not priced', async () => {
    const [row] = await db.sql<{ id: string; searches: number }[]>`
      select id::text as id, web_searches::int as searches from usage_events
      where cost_usd is not null and unpriced_units is not null
      order by started_at desc limit 1`
    expect(row).toBeDefined()
    const detail = await page(`/events/${row!.id}`)
    expect(detail).toContain('<span class="unpriced">not priced: web_fetches</span>')
    expect(detail).toContain(`<dt>Web searches</dt><dd>${formatInt(row!.searches)}</dd>`)
    expect(detail).toContain('<dt>Service tier</dt><dd>standard</dd>')
    const log = await page(`/events?range=30d`)
    const partial = [...log.matchAll(/<tr id="ev-([0-9a-f-]{36})"(.*?)<\/tr>/gs)].filter((m) =>
      m[2]?.includes('not priced: web_fetches'),
    )
    const [ref] = await db.sql<{ ids: string[] }[]>`
      select coalesce(array_agg(id::text), '{}') as ids from (
        select id, started_at from usage_events where started_at >= ${filters({ range: '30d' }).from.toISOString()}::timestamptz
        order by started_at desc, id desc limit 50) e
      join usage_events u using (id) where u.cost_usd is not null and u.unpriced_units is not null`
    expect(partial.length).toBeGreaterThan(0)
    expect(partial.map((m) => m[1]).sort()).toEqual([...(ref?.ids ?? [])].sort())
  })

  test('event detail shows the captured bodies', async () => {
    const html = await page(`/events/${seeded.bodiesId}`)
    expect(html).toContain('{&quot;model&quot;:&quot;gpt-5&quot;}')
    expect(html).toContain('data: done')
    expect(html).toContain('=cmd')
  })

  test('budgets: spend in the window equals SQL; pending alert shown', async () => {
    const html = await page('/budgets')
    const [r] = await db.sql<{ usd: number; n: number }[]>`
      select coalesce(sum(cost_usd), 0)::float8 as usd, count(*)::int as n from usage_events
      where started_at >= '2026-01-17T00:00:00Z' and started_at < '2026-01-18T00:00:00Z'`
    expect(html).toContain(`${formatInt(r!.n)} requests`)
    expect(html).toContain('1 alert not delivered yet')
    expect(html).toContain('alice-weekly')
  })
})
