// Attribution in Postgres: the session tag reaches usage_events.session; Claude Code's side calls
// on api.anthropic.com (policy limits, settings, OAuth, event logging) are stored as
// non-billable rows with usage_source 'none' and add no model usage to the hourly rollup.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness

const CLAUDE_UA = 'claude-cli/2.0.14 (external, cli)'
const SIDE_CALLS: [method: string, path: string][] = [
  ['GET', '/api/claude_code/policy_limits'],
  ['GET', '/api/claude_code/settings'],
  ['GET', '/api/oauth/profile'],
  ['POST', '/api/event_logging/batch'],
]

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_sess',
      model: 'claude-sonnet-4-5-20250929',
      usage: { input_tokens: 11, output_tokens: 22 },
    }),
  )
  for (const [method, path] of SIDE_CALLS) {
    // Side-call bodies may look like usage; they must not be read as model usage.
    mock.on('api.anthropic.com', `${method} ${path}`, () =>
      Response.json({ ok: true, usage: { input_tokens: 999, output_tokens: 999 } }),
    )
  }
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { DATABASE_URL: db.url, BATCH_INTERVAL_MS: '50' },
  })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await db.drop()
}, 30_000)

async function call(method: string, path: string, session: string): Promise<void> {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--proxy-user',
    'dana+app:t',
    '--cacert',
    proxy.caPath,
    '-A',
    CLAUDE_UA,
    '-H',
    `X-Tokentap-Session: ${session}`,
    '-X',
    method,
    ...(method === 'POST' ? ['-d', '{"model":"claude-sonnet-4-5"}'] : []),
    '-o',
    '/dev/null',
    `https://api.anthropic.com${path}`,
  ])
  expect(r.code).toBe(0)
}

describe('attribution in Postgres', () => {
  test('session column; Claude Code side calls are non-billable and not model usage', async () => {
    await call('POST', '/v1/messages', 'sess-A')
    for (const [method, path] of SIDE_CALLS) await call(method, path, 'sess-A')
    const total = 1 + SIDE_CALLS.length
    await waitFor(`${total} rows`, async () => {
      const [row] = await db.sql`select count(*)::int as n from usage_events`
      return row?.n === total
    })
    const rows = await db.sql`
      select path, session, "user", project, program, billable, usage_source, model,
        input_tokens::int as input, output_tokens::int as output
      from usage_events order by started_at`
    expect(rows.map((r) => r.session)).toEqual(Array(total).fill('sess-A'))
    expect(rows[0]).toMatchObject({
      path: '/v1/messages',
      user: 'dana',
      project: 'app',
      program: 'claude-code',
      billable: true,
      usage_source: 'provider',
      input: 11,
      output: 22,
    })
    for (const row of rows.slice(1)) {
      expect(row).toMatchObject({
        billable: false,
        usage_source: 'none',
        model: null,
        input: null,
        output: null,
      })
    }
    const [rollup] = await db.sql`
      select sum(requests)::int as requests, sum(billable_requests)::int as billable,
        sum(input_tokens)::int as input, sum(output_tokens)::int as output
      from usage_rollup_hourly`
    expect(rollup).toEqual({ requests: total, billable: 1, input: 11, output: 22 })
  }, 60_000)
})
