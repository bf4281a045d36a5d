// Hard budgets across replicas: two proxies on one Postgres and one budgets file. Spend recorded
// through replica A puts a blocking budget over its limit; replica B, which carried none of it,
// blocks from its next periodic refresh (BUDGET_REFRESH_MS), and Slack hears once that the
// budget started blocking (alerts_sent claims it for one replica).

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let slack: SlackMock
let a: Harness
let b: Harness

beforeAll(async () => {
  db = await testDatabase()
  slack = startSlackMock()
  mock = await startMockUpstream()
  // One million input tokens of Sonnet: $3, over the $1 limit at once.
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_big',
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 1_000_000, output_tokens: 1 },
    }),
  )
  const dir = mkdtempSync(join(tmpdir(), 'tt-block-replicas-'))
  const budgets = join(dir, 'budgets.yaml')
  writeFileSync(
    budgets,
    'budgets:\n  - { name: shared-daily, period: day, limitUsd: 1, action: block, scope: { project: shared } }\n',
  )
  const env = {
    DATABASE_URL: db.url,
    BATCH_INTERVAL_MS: '50',
    BUDGET_REFRESH_MS: '100',
    TOKENTAP_BUDGETS: budgets,
    SLACK_WEBHOOK_URL: slack.url(),
  }
  a = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath, env })
  b = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath, env })
}, 60_000)

afterAll(async () => {
  await a?.stop()
  await b?.stop()
  await mock?.stop()
  await slack?.stop()
  await db?.drop()
}, 30_000)

/** One Messages call through `proxy` as alice in project shared; the HTTP status. */
async function call(proxy: Harness): Promise<number> {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--proxy-user',
    'alice+shared:t',
    '--cacert',
    proxy.caPath,
    '-s',
    '-o',
    '/dev/null',
    '-w',
    '%{http_code}',
    '-H',
    'x-api-key: sk-ant-api03-test',
    '-H',
    'content-type: application/json',
    '-d',
    JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5 }),
    'https://api.anthropic.com/v1/messages',
  ])
  expect(r.code).toBe(0)
  return Number(r.stdout.toString())
}

describe('hard budgets across replicas', () => {
  test("one replica's spend makes the other block; Slack hears it once", async () => {
    expect(b.app.blocker?.active).toBe(false)
    expect(await call(a)).toBe(200)
    expect((await a.sink.waitFor(1))[0]).toMatchObject({ outcome: 'ok', billable: true })
    await waitFor('replica B blocking', () => b.app.blocker?.active === true)
    const seen = mock.seen.length
    expect(await call(b)).toBe(400)
    expect(await call(a)).toBe(400)
    expect(mock.seen.length).toBe(seen)
    expect((await b.sink.waitFor(1))[0]).toMatchObject({ outcome: 'blocked', user: 'alice' })
    // Both replicas flushed their blocked rows (each flush runs its evaluator), then settled.
    await waitFor('the blocked rows', async () => {
      const [r] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from usage_events where outcome = 'blocked'`
      return r?.n === 2
    })
    await waitFor('the alert', () => slack.delivered().length > 0)
    await a.app.alerts?.evaluator.idle()
    await b.app.alerts?.evaluator.idle()
    const blocking = slack.delivered().filter((m) => m.text.includes('shared-daily is blocking'))
    expect(blocking).toHaveLength(1)
  }, 60_000)
})
