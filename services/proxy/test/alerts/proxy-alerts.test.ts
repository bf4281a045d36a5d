// End to end: the proxy with DATABASE_URL and TOKENTAP_BUDGETS; a priced request through the
// proxy is flushed to Postgres, the evaluator runs after the flush and Slack gets one message.

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import { field, type SlackMock, startSlackMock, tops } from './slack-mock.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let slack: SlackMock

const usage = { input_tokens: 30, output_tokens: 70 } // 30 × $3 + 70 × $15 per MTok = $0.00114

beforeAll(async () => {
  db = await testDatabase()
  slack = startSlackMock()
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({ id: 'msg_budget', model: 'claude-sonnet-4-5-20250929', usage }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'tt-alerts-e2e-'))
  const budgets = join(dir, 'budgets.yaml')
  writeFileSync(
    budgets,
    'budgets:\n  - name: tiny\n    period: day\n    limitUsd: 0.002\n    scope: { project: proj }\n',
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      TOKENTAP_BUDGETS: budgets,
      SLACK_WEBHOOK_URL: slack.url(),
      DASHBOARD_URL: 'http://127.0.0.1:3000',
    },
  })
}, 30_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await slack.stop()
  await db.drop()
}, 30_000)

async function request(user: string): Promise<void> {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--proxy-user',
    `${user}:t`,
    '--cacert',
    proxy.caPath,
    '-d',
    '{"model":"claude-sonnet-4-5"}',
    'https://api.anthropic.com/v1/messages',
  ])
  expect(r.code).toBe(0)
}

const rows = async (): Promise<number> =>
  Number((await db.sql`select count(*)::int as n from usage_events`)[0]?.n)

test('a priced request crosses the budget: Slack gets the 50 % alert, then the 100 %', async () => {
  await request('alice+proj') // $0.00114 of $0.002 = 57 %
  await waitFor('the 50 % alert', () => slack.delivered().length === 1, 20_000)
  const first = slack.delivered()[0]!
  expect(field(first, 'Budget')).toBe('tiny')
  expect(field(first, 'Scope')).toBe('project=proj')
  expect(field(first, 'Billed spend')).toBe('$0.0011 of $0.0020 (57 %)')
  expect(tops(field(first, 'Top users'))).toEqual([['alice', '0.0011']])
  expect(JSON.stringify(first)).toContain('http://127.0.0.1:3000/budgets')

  await request('bob+other') // another project: not in scope
  await waitFor('the second row', async () => (await rows()) === 2)
  await request('bob+proj') // $0.00228: 114 % (80 % and 100 % together: one message)
  await waitFor('the 100 % alert', () => slack.delivered().length === 2, 20_000)
  const second = slack.delivered()[1]!
  expect(field(second, 'Billed spend')).toBe('$0.0023 of $0.0020 (114 %)')
  expect(field(second, 'Threshold')).toBe('100 % of $0.0020 per day')
  await proxy.app.alerts?.evaluator.idle()
  expect(slack.posts).toHaveLength(2)
  const m = await (await fetch(`${proxy.proxyUrl}/metrics`)).text()
  expect(m).toContain('tokentap_alerts_delivered 2')
  expect(proxy.logs.join('')).not.toContain('secret-token')
}, 60_000)
