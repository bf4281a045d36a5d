// Hard budgets with the official SDKs (@anthropic-ai/sdk, openai, @google/genai) in child
// processes, their retries left on: a budget with `"action": "block"` is over its limit, so each
// model call gets the proxy's refusal. The SDK must throw its API error for a 400 carrying the
// budget's message (name, spend, limit, reset), after exactly one request — no retry — and the
// upstream must see none of them.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { blockedErrorPrefix } from '@tokentap/shared/budgets'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { spend } from '../alerts/helpers.ts'
import { type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import { runClient } from './run-client.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let slack: SlackMock

/** What the user reads: the budget, its spend and limit, and when it resets (Anthropic's and
 *  Google's SDKs quote the error body as JSON in their message, so quotes may come escaped). */
const SHOWN =
  /tokentap: budget \\?"sdk-daily\\?" is used up: \$0\.60\d* spent of its \$0\.50\d* limit per day \(project=capped, billed spend\)\. tokentap blocks new requests in its scope until it resets on \w{3} \d{1,2} \w{3} \d{4} 00:00 \(UTC\)\./

beforeAll(async () => {
  db = await testDatabase()
  await spend(db.sql, [{ at: new Date().toISOString(), cost: 0.6, project: 'capped' }])
  mock = await startMockUpstream()
  slack = startSlackMock()
  const dir = mkdtempSync(join(tmpdir(), 'tt-block-sdk-'))
  const budgets = join(dir, 'budgets.yaml')
  writeFileSync(
    budgets,
    'budgets:\n  - { name: sdk-daily, period: day, limitUsd: 0.5, action: block, scope: { project: capped } }\n',
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      TOKENTAP_BUDGETS: budgets,
      SLACK_WEBHOOK_URL: slack.url(),
    },
  })
  await waitFor('the blocking snapshot', () => proxy.app.blocker?.active === true)
}, 60_000)

afterAll(async () => {
  await proxy?.stop()
  await mock?.stop()
  await slack?.stop()
  await db?.drop()
}, 30_000)

interface Thrown {
  threw: string | false
  status?: number
  message?: string
  error?: unknown
}

/** One SDK call as dana in project `capped`; what it threw and the records of the run. */
async function refused(mode: string) {
  const before = proxy.sink.records.length
  const seenBefore = mock.seen.length
  const r = await runClient(
    'blocked',
    mode,
    { proxyUrl: proxy.proxyUrl.replace('http://', 'http://dana+capped:t@'), caPath: proxy.caPath },
    30_000,
  )
  expect(r.code, r.stderr).toBe(0)
  const thrown = JSON.parse(r.stdout) as Thrown
  await proxy.sink.waitFor(before + 1)
  // The client has exited: every request it sent has its record by now.
  const records = proxy.sink.records.slice(before)
  expect(records.map((x) => x.outcome)).toEqual(['blocked'])
  expect(records[0]).toMatchObject({ status: 400, billable: false, costUsd: 0, user: 'dana' })
  expect(records[0]?.error).toStartWith(blockedErrorPrefix('sdk-daily'))
  expect(mock.seen.length).toBe(seenBefore)
  return { thrown, record: records[0] }
}

describe('hard budgets with the official SDKs', () => {
  test('@anthropic-ai/sdk (a stream): BadRequestError with the budget message, one request', async () => {
    const { thrown, record } = await refused('anthropic-stream')
    expect(thrown).toMatchObject({ threw: 'BadRequestError', status: 400 })
    expect(thrown.message).toMatch(SHOWN)
    expect(thrown.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } })
    expect(record).toMatchObject({
      provider: 'anthropic',
      stream: true,
      model: 'claude-sonnet-4-5',
    })
  }, 40_000)

  test('openai chat completions: BadRequestError, code budget_exceeded, one request', async () => {
    const { thrown, record } = await refused('openai-chat')
    expect(thrown).toMatchObject({ threw: 'BadRequestError', status: 400 })
    expect(thrown.message).toMatch(SHOWN)
    expect(thrown.error).toMatchObject({ type: 'invalid_request_error', code: 'budget_exceeded' })
    expect(record).toMatchObject({
      provider: 'openai',
      endpoint: 'chat.completions',
      model: 'gpt-4o',
    })
  }, 40_000)

  test('openai responses (a stream): BadRequestError before any event, one request', async () => {
    const { thrown, record } = await refused('openai-responses-stream')
    expect(thrown).toMatchObject({ threw: 'BadRequestError', status: 400 })
    expect(thrown.message).toMatch(SHOWN)
    expect(record).toMatchObject({ provider: 'openai', stream: true, model: 'gpt-5' })
  }, 40_000)

  test('@google/genai (retries on): ApiError 400 with the budget message, one request', async () => {
    const { thrown, record } = await refused('genai')
    expect(thrown).toMatchObject({ threw: 'ApiError', status: 400 })
    expect(thrown.message).toMatch(SHOWN)
    expect(thrown.message).toContain('FAILED_PRECONDITION')
    expect(record).toMatchObject({ provider: 'gemini', model: 'gemini-2.5-flash' })
  }, 40_000)
})
