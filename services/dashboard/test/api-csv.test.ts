// The CSV exports through app.request against a real Postgres with the seeded data: each
// parses back (RFC 4180) to the same rows as the JSON API and plain SQL.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { EventRow, Filters } from '@tokentap/shared/api'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { createDashboardApp } from '../src/app.ts'
import { parseFilters } from '../src/data/filters.ts'
import { createDataAccess } from '../src/data/index.ts'
import { refEventIds } from './reference.ts'
import { SEED_NOW, seed } from './seed.ts'

let db: TestDatabase
let app: ReturnType<typeof createDashboardApp>

beforeAll(async () => {
  db = await testDatabase()
  await seed(db.sql)
  app = createDashboardApp({ data: createDataAccess(db.sql), now: () => SEED_NOW })
}, 60_000)
afterAll(() => db?.drop())

const f = (q: Record<string, string>): Filters => parseFilters(q, { now: SEED_NOW })
const qs = (q: Record<string, string>): string => new URLSearchParams(q).toString()
// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await app.request(path, init)
  return { status: res.status, body: await res.json() }
}

/** RFC 4180 parser (quotes, doubled quotes, CRLF) for reading exports back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell])
  return rows
}

describe('CSV exports', () => {
  test('events.csv parses back to the same rows (more than one page)', async () => {
    const q = { range: '30d' }
    const res = await app.request(`/api/events.csv?${qs(q)}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="tokentap-events-/,
    )
    const [header, ...rows] = parseCsv(await res.text())
    expect(header?.[0]).toBe('id')
    const ids = await refEventIds(db.sql, f(q))
    expect(ids.length).toBeGreaterThan(0)
    expect(rows.map((r) => r[0])).toEqual(ids)
    // Compare every cell with the API's JSON for the same events.
    const { body } = await json(`/api/events?${qs({ ...q, limit: '500' })}`)
    const byId = new Map((body.events as EventRow[]).map((e) => [e.id, e]))
    for (const r of rows) {
      const e = byId.get(r[0]!)
      if (!e) continue
      const want = header!.map((col) => {
        const v = e[col as keyof EventRow]
        if (v === null) return ''
        const s = typeof v === 'object' ? JSON.stringify(v) : String(v)
        return typeof v === 'string' && /^[=+\-@\t\r]/.test(s) ? `'${s}` : s
      })
      expect(r).toEqual(want)
    }
    // The formula-looking program was defused.
    expect(rows.some((r) => r.includes("'=cmd"))).toBe(true)
  })

  test('events.csv carries the billed units: tier, unit columns, units and unpriced as JSON', async () => {
    const res = await app.request('/api/events.csv?range=30d')
    const [header, ...rows] = parseCsv(await res.text())
    const col = (name: string): number => header!.indexOf(name)
    for (const name of ['serviceTier', 'webSearches', 'units', 'unpricedUnits', 'subUsage']) {
      expect(col(name)).toBeGreaterThan(0)
    }
    const [ref] = await db.sql`select count(*)::int as n,
        coalesce(sum(web_searches), 0)::int as searches,
        count(*) filter (where unpriced_units is not null)::int as partial
      from usage_events where started_at >= ${f({ range: '30d' }).from.toISOString()}::timestamptz`
    expect(rows.length).toBe(ref?.n)
    const searches = rows.reduce((n, r) => n + Number(r[col('webSearches')] || 0), 0)
    expect(searches).toBe(ref?.searches)
    const partial = rows.filter((r) => r[col('unpricedUnits')] !== '')
    expect(partial.length).toBe(ref?.partial)
    expect(partial.length).toBeGreaterThan(0)
    for (const r of partial) {
      expect(JSON.parse(r[col('unpricedUnits')]!)).toEqual(['web_fetches'])
      expect(JSON.parse(r[col('units')]!)).toMatchObject({ web_fetches: 1 })
      expect(r[col('serviceTier')]).toBe('standard')
    }
  })

  test('breakdown.csv parses back to the breakdown', async () => {
    const res = await app.request('/api/breakdown.csv?range=30d&by=user')
    const [header, ...rows] = parseCsv(await res.text())
    expect(header?.slice(0, 3)).toEqual(['user', 'requests', 'errors'])
    const { body } = await json('/api/breakdown?range=30d&by=user')
    expect(rows.map((r) => [r[0], Number(r[1]), Number(r[10])])).toEqual(
      (body.rows as Array<{ key: string; requests: number; costUsd: number }>).map((b) => [
        b.key,
        b.requests,
        b.costUsd,
      ]),
    )
    // The billed-unit sums, column by column, as the JSON has them.
    const units = [
      'audioInputTokens',
      'audioOutputTokens',
      'webSearches',
      'partiallyPricedRequests',
    ]
    const at = units.map((u) => header!.indexOf(u))
    expect(at.every((i) => i > 0)).toBe(true)
    expect(rows.map((r) => at.map((i) => Number(r[i])))).toEqual(
      (body.rows as Array<Record<string, number>>).map((b) => units.map((u) => b[u] ?? NaN)),
    )
    expect(rows.some((r) => Number(r[at[3]!]) > 0)).toBe(true)
  })
})
