// End to end with DATABASE_URL (issue 16): requests through the proxy with an API key and with a
// Claude sign-in token land in usage_events with their billing kind and account fingerprint,
// the subscription's cost is rolled up as value (not billed spend), and the answers' rate-limit
// headers land in account_limits, latest reading per window, with the 429s counted.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readAccountLimits } from '@tokentap/shared/accounts'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from './helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let used = 0.5
let limited = false
const RESET = 1_900_000_000
const KEY = 'sk-ant-api03-limits-test-key'
const OAUTH = 'sk-ant-oat01-limits-test-token'

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', (req) => {
    const oauth = req.headers.get('authorization') === `Bearer ${OAUTH}`
    const headers: Record<string, string> = oauth
      ? {
          'anthropic-ratelimit-unified-status': limited ? 'rejected' : 'allowed',
          'anthropic-ratelimit-unified-5h-utilization': String(used),
          'anthropic-ratelimit-unified-5h-reset': String(RESET),
        }
      : {
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '10',
          'anthropic-ratelimit-requests-reset': '2030-01-01T00:00:00Z',
        }
    if (oauth && limited) {
      return Response.json(
        { type: 'error', error: { type: 'rate_limit_error', message: 'limit reached' } },
        { status: 429, headers: { ...headers, 'retry-after': '60' } },
      )
    }
    return Response.json(
      {
        id: 'msg_lim',
        model: 'claude-sonnet-4-5-20250929',
        usage: { input_tokens: 1000, output_tokens: 100 },
      },
      { headers },
    )
  })
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { DATABASE_URL: db.url, BATCH_INTERVAL_MS: '50', TOKENTAP_ACCOUNT_KEY: 'x'.repeat(32) },
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await db.drop()
})

async function send(user: string, auth: string[]): Promise<void> {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--proxy-user',
    `${user}:t`,
    '--cacert',
    proxy.caPath,
    ...auth.flatMap((h) => ['-H', h]),
    '-d',
    '{"model":"claude-sonnet-4-5"}',
    'https://api.anthropic.com/v1/messages',
  ])
  expect(r.code).toBe(0)
}

const count = async (): Promise<number> =>
  Number((await db.sql`select count(*)::int as n from usage_events`)[0]?.n)

describe('billing kind and account limits through the proxy', () => {
  test('API key vs sign-in: billed vs covered; windows and 429s per account', async () => {
    await send('alice', [`x-api-key: ${KEY}`])
    await send('bob', [`authorization: Bearer ${OAUTH}`, 'anthropic-beta: oauth-2025-04-20'])
    await waitFor('2 rows', async () => (await count()) === 2)
    const rows = await db.sql<{ user: string; billing_kind: string; account: string }[]>`
      select "user", billing_kind, account from usage_events order by started_at`
    expect(rows.map((r) => [r.user, r.billing_kind])).toEqual([
      ['alice', 'api_key'],
      ['bob', 'subscription'],
    ])
    expect(rows[0]!.account).toMatch(/^[0-9a-f]{20}$/)
    expect(rows[1]!.account).not.toBe(rows[0]!.account)
    const everything = JSON.stringify(await db.sql`select * from usage_events`)
    expect(everything).not.toContain(KEY)
    expect(everything).not.toContain(OAUTH)

    // the subscription's cost is value, apart from billed spend
    const [r] = await db.sql<{ cost: string; value: string; subs: number }[]>`
      select sum(cost_usd)::text as cost, sum(subscription_value_usd)::text as value,
        sum(subscription_requests)::int as subs from usage_rollup_hourly`
    expect(Number(r?.value)).toBeGreaterThan(0)
    expect(Number(r?.value)).toBeCloseTo(Number(r?.cost) / 2, 8)
    expect(r?.subs).toBe(1)

    await waitFor(
      '2 accounts',
      async () => (await readAccountLimits(db.sql, new Date())).length === 2,
    )
    used = 0.9
    limited = true
    await send('bob', [`authorization: Bearer ${OAUTH}`, 'anthropic-beta: oauth-2025-04-20'])
    await waitFor('a 429 counted', async () => {
      const a = await readAccountLimits(db.sql, new Date())
      return a.some((x) => x.count429 === 1)
    })
    const accounts = await readAccountLimits(db.sql, new Date())
    const sub = accounts.find((a) => a.billingKind === 'subscription')!
    expect(sub).toMatchObject({
      account: rows[1]!.account,
      provider: 'anthropic',
      lastUser: 'bob',
      status: 'rejected',
      count429: 1,
    })
    expect(sub.windows['unified-5h']).toMatchObject({
      used: 0.9,
      resetAt: new Date(RESET * 1000).toISOString(),
      minutes: 300,
    })
    expect(accounts[0]!.account).toBe(sub.account) // at its limit: listed first
    const key = accounts.find((a) => a.billingKind === 'api_key')!
    expect(key).toMatchObject({ lastUser: 'alice', count429: 0 })
    expect(key.windows.requests).toMatchObject({ limit: 50, remaining: 10, used: 0.8 })
  })
})
