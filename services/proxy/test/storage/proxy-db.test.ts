// End to end with DATABASE_URL: requests through the proxy land in usage_events with the exact
// numbers, the hourly rollup equals the sum of the events, and NOTIFY announces them.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { USAGE_CHANNEL } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from './helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness

const usage = {
  input_tokens: 30,
  output_tokens: 70,
  cache_read_input_tokens: 500,
  cache_creation_input_tokens: 200,
  cache_creation: { ephemeral_5m_input_tokens: 150, ephemeral_1h_input_tokens: 50 },
}

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({ id: 'msg_db', model: 'claude-sonnet-4-5-20250929', usage }),
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { DATABASE_URL: db.url, BATCH_INTERVAL_MS: '50' },
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await db.drop()
})

describe('proxy → Postgres', () => {
  test('rows with exact numbers, rollup = sum of events, NOTIFY announces them', async () => {
    const notes: string[] = []
    const listener = await db.sql.listen(USAGE_CHANNEL, (payload) => notes.push(payload))
    for (const user of ['alice', 'bob', 'alice']) {
      const r = await curl([
        '--proxy',
        proxy.proxyUrl,
        '--proxy-user',
        `${user}+proj:t`,
        '--cacert',
        proxy.caPath,
        '-d',
        '{"model":"claude-sonnet-4-5"}',
        'https://api.anthropic.com/v1/messages',
      ])
      expect(r.code).toBe(0)
    }
    const count = async (): Promise<number> =>
      Number((await db.sql`select count(*)::int as n from usage_events`)[0]?.n)
    await waitFor('3 rows in usage_events', async () => (await count()) === 3)
    const rows = await db.sql`
      select "user", project, input_tokens::int, output_tokens::int, cache_read_tokens::int,
             cache_write_5m_tokens::int, cache_write_1h_tokens::int, cost_usd::text as cost,
             price_source
      from usage_events order by started_at`
    expect(rows.map((r) => r.user)).toEqual(['alice', 'bob', 'alice'])
    expect(rows[0]).toMatchObject({
      project: 'proj',
      input_tokens: 30,
      output_tokens: 70,
      cache_read_tokens: 500,
      cache_write_5m_tokens: 150,
      cache_write_1h_tokens: 50,
      price_source: 'genai-prices',
    })
    // 30×$3 + 70×$15 + 500×$0.30 + 150×$3.75 + 50×$6 per MTok = $0.0021525
    expect(rows[0]?.cost).toBe('0.00215250')
    const rollup = await db.sql`
      select "user", sum(requests)::int as requests, sum(input_tokens)::int as input,
             sum(cost_usd)::text as cost
      from usage_rollup_hourly group by "user" order by "user"`
    expect(rollup.map((r) => [r.user, r.requests, r.input, r.cost])).toEqual([
      ['alice', 2, 60, '0.00430500'],
      ['bob', 1, 30, '0.00215250'],
    ])
    await waitFor('a NOTIFY', () => notes.length > 0)
    const total = notes
      .map((n) => JSON.parse(n) as { count: number })
      .reduce((a, n) => a + n.count, 0)
    expect(total).toBe(3)
    await listener.unlisten()
  })

  test('/metrics shows the writer', async () => {
    const m = await (await fetch(`${proxy.proxyUrl}/metrics`)).text()
    expect(m).toMatch(/tokentap_records_written [1-9]\d*/)
    expect(m).toContain('tokentap_records_dropped 0')
    expect(m).toContain('tokentap_db_degraded 0')
  })
})
