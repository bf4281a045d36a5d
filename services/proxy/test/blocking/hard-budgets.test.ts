// Hard budgets end to end: a proxy with Postgres and a budgets file whose `"action": "block"`
// budgets are over their limit (spend written by the real writer). Blocked requests get the
// provider's own error at once, are recorded once with outcome `blocked`, and nothing of them
// reaches the mock upstream; everything a hard budget never blocks goes through.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { blockedErrorPrefix, budgetBlocked, budgetWindow } from '@tokentap/shared/budgets'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { spend } from '../alerts/helpers.ts'
import { type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import { sendAs } from './helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let proxy: Harness
let slack: SlackMock

const ANTHROPIC = 'https://api.anthropic.com'
const GEMINI = 'https://generativelanguage.googleapis.com'
const OPENAI = 'https://api.openai.com'
const BUDGETS = `
timezone: Europe/Berlin
budgets:
  - { name: capped-daily, period: day, limitUsd: 0.5, action: block, scope: { project: capped } }
  - { name: plans-daily, period: day, limitUsd: 0.5, action: block, counts: all, scope: { project: plans } }
  - { name: opus-daily, period: day, limitUsd: 0.5, action: block, scope: { project: opus, model: claude-opus-4-1 } }
  - { name: watched-daily, period: day, limitUsd: 0.5, scope: { project: watched } }
`

beforeAll(async () => {
  db = await testDatabase()
  slack = startSlackMock()
  mock = await startMockUpstream()
  const usage = { input_tokens: 3, output_tokens: 5 }
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({ id: 'msg_ok', model: 'claude-sonnet-4-5', usage }),
  )
  mock.on('api.anthropic.com', 'POST /v1/messages/count_tokens', () =>
    Response.json({ input_tokens: 12 }),
  )
  mock.on(
    'generativelanguage.googleapis.com',
    'POST /v1beta/models/gemma-3-27b-it:generateContent',
    () =>
      Response.json({
        responseId: 'g1',
        usageMetadata: { promptTokenCount: 2, candidatesTokenCount: 2 },
      }),
  )
  const now = new Date().toISOString()
  await spend(db.sql, [
    { at: now, cost: 0.6, project: 'capped' },
    { at: now, cost: 0.6, project: 'plans' },
    { at: now, cost: 0.6, project: 'opus', model: 'claude-opus-4-1' },
    { at: now, cost: 0.6, project: 'watched' },
  ])
  const dir = mkdtempSync(join(tmpdir(), 'tt-block-'))
  const budgets = join(dir, 'budgets.yaml')
  writeFileSync(budgets, BUDGETS)
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      DATABASE_URL: db.url,
      BATCH_INTERVAL_MS: '50',
      BUDGET_REFRESH_MS: '100',
      TOKENTAP_BUDGETS: budgets,
      SLACK_WEBHOOK_URL: slack.url(),
    },
  })
  await waitFor('the blocking snapshot', () => proxy.app.blocker?.snapshot().over.length === 3)
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await slack.stop()
  await db.drop()
}, 30_000)

/** One request through the proxy as `who` (USER+PROJECT). */
const send = (who: string, url: string, body: string, headers: string[] = []) =>
  sendAs(proxy, who, url, body, headers)

const upstreamSaw = (path: string) => mock.seen.filter((s) => s.path.startsWith(path)).length
const API_KEY = 'x-api-key: sk-ant-api03-test'
const sonnet = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 5, stream: true })

async function recordOf(before: number): Promise<UsageRecord> {
  return proxy.sink.recordAfter(before)
}

describe('hard budgets through the proxy', () => {
  test('Anthropic: refused in its own format, recorded blocked, never sent upstream', async () => {
    const before = proxy.sink.records.length
    const r = await send('alice+capped', `${ANTHROPIC}/v1/messages?beta=true`, sonnet, [API_KEY])
    expect(r.status).toBe(400)
    expect(r.headers['content-type']).toBe('application/json')
    expect(r.headers['x-should-retry']).toBe('false')
    const body = JSON.parse(r.body) as { type: string; error: { type: string; message: string } }
    expect(body.type).toBe('error')
    expect(body.error.type).toBe('invalid_request_error')
    expect(body.error.message).toStartWith(blockedErrorPrefix('capped-daily'))
    expect(body.error.message).toContain('$0.6000 spent of its $0.5000 limit per day')
    expect(body.error.message).toMatch(
      /until it resets on \w{3} \d+ \w{3} \d{4} 00:00 \(Europe\/Berlin\)/,
    )
    expect(upstreamSaw('/v1/messages')).toBe(0)
    const rec = await recordOf(before)
    expect(rec).toMatchObject({
      provider: 'anthropic',
      endpoint: 'messages',
      model: 'claude-sonnet-4-5',
      stream: true,
      status: 400,
      outcome: 'blocked',
      billable: false,
      usageSource: 'none',
      costUsd: 0,
      priceSource: 'free',
      user: 'alice',
      project: 'capped',
      billingKind: 'api_key',
      error: body.error.message,
      ttfbMs: null,
    })
    expect(rec.requestBytes).toBe(Buffer.byteLength(sonnet))
    expect(rec.responseBytes).toBe(Buffer.byteLength(r.body))
    expect(proxy.sink.records.length).toBe(before + 1)
  })

  test('OpenAI (a stream asked for) and Gemini: their own formats, plain JSON, no stream', async () => {
    const chat = JSON.stringify({ model: 'gpt-4o', stream: true, messages: [] })
    const o = await send('alice+capped', `${OPENAI}/v1/chat/completions`, chat, [
      'authorization: Bearer sk-proj-test',
    ])
    expect(o.status).toBe(400)
    expect(o.headers['content-type']).toBe('application/json')
    const oe = (JSON.parse(o.body) as { error: Record<string, unknown> }).error
    expect(oe).toMatchObject({
      type: 'invalid_request_error',
      code: 'budget_exceeded',
      param: null,
    })
    expect(oe.message).toStartWith(blockedErrorPrefix('capped-daily'))

    const g = await send(
      'alice+capped',
      `${GEMINI}/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse`,
      '{}',
      ['x-goog-api-key: test-key'],
    )
    expect(g.status).toBe(400)
    const ge = (JSON.parse(g.body) as { error: Record<string, unknown> }).error
    expect(ge).toMatchObject({ code: 400, status: 'FAILED_PRECONDITION' })
    expect(upstreamSaw('/v1/chat/completions') + upstreamSaw('/v1beta/models/gemini-2.5-pro')).toBe(
      0,
    )
  })

  test('never blocked: count_tokens, a free model, subscription traffic, other projects, alert-only budgets', async () => {
    const ok = async (who: string, url: string, body: string, headers: string[]) => {
      const r = await send(who, url, body, headers)
      expect([who, url, r.status]).toEqual([who, url, 200])
    }
    await ok('alice+capped', `${ANTHROPIC}/v1/messages/count_tokens`, sonnet, [API_KEY])
    await ok('alice+capped', `${GEMINI}/v1beta/models/gemma-3-27b-it:generateContent`, '{}', [
      'x-goog-api-key: test-key',
    ])
    await ok('alice+capped', `${ANTHROPIC}/v1/messages`, sonnet, [
      'authorization: Bearer sk-ant-oat01-subscription',
    ])
    await ok('alice+other', `${ANTHROPIC}/v1/messages`, sonnet, [API_KEY])
    await ok('alice+watched', `${ANTHROPIC}/v1/messages`, sonnet, [API_KEY])
    // A model-scoped budget blocks its model only.
    await ok('alice+opus', `${ANTHROPIC}/v1/messages`, sonnet, [API_KEY])
    const opus = JSON.stringify({ model: 'claude-opus-4-1', max_tokens: 5 })
    const refused = await send('alice+opus', `${ANTHROPIC}/v1/messages`, opus, [API_KEY])
    expect(refused.status).toBe(400)
    expect(refused.body).toContain('opus-daily')
  })

  test('a budget that counts all blocks subscription traffic too', async () => {
    const r = await send('bob+plans', `${ANTHROPIC}/v1/messages`, sonnet, [
      'authorization: Bearer sk-ant-oat01-subscription',
    ])
    expect(r.status).toBe(400)
    expect(r.body).toContain('billed + subscription value')
  })

  test('Bedrock: its JSON error with x-amzn-errortype, the model from the path', async () => {
    const id = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
    const url = `https://bedrock-runtime.us-east-1.amazonaws.com/model/${encodeURIComponent(id)}/invoke`
    const before = proxy.sink.records.length
    const r = await send('dora+capped', url, JSON.stringify({ max_tokens: 5 }), [
      'authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc',
    ])
    expect(r.status).toBe(400)
    expect(r.headers['x-amzn-errortype']).toBe('ValidationException')
    const body = JSON.parse(r.body) as { message: string }
    expect(Object.keys(body)).toEqual(['message'])
    expect(body.message).toStartWith(blockedErrorPrefix('capped-daily'))
    expect(await recordOf(before)).toMatchObject({
      provider: 'bedrock',
      outcome: 'blocked',
      billable: false,
      user: 'dora',
    })
    expect(upstreamSaw('/model/')).toBe(0)
  })

  test('keep-alive: a chunked body is read to its end, then the connection carries the next request', async () => {
    const before = proxy.sink.records.length
    const seenBefore = mock.seen.length
    const base = [
      '--proxy',
      proxy.proxyUrl,
      '--proxy-user',
      'carol+capped:t',
      '--cacert',
      proxy.caPath,
      '-o',
      '/dev/null',
    ]
    const big = JSON.stringify({ model: 'claude-sonnet-4-5', pad: 'x'.repeat(1_500_000) })
    const path = join(mkdtempSync(join(tmpdir(), 'tt-block-body-')), 'big.json')
    writeFileSync(path, big)
    const r = await curl([
      ...base,
      '-H',
      API_KEY,
      '-H',
      'transfer-encoding: chunked',
      '--data-binary',
      `@${path}`,
      '-w',
      '%{http_code} %{num_connects}\n',
      `${ANTHROPIC}/v1/messages`,
      '--next',
      ...base,
      '-H',
      API_KEY,
      '-d',
      sonnet,
      '-w',
      '%{http_code} %{num_connects}\n',
      `${ANTHROPIC}/v1/messages/count_tokens`,
    ])
    expect(r.code).toBe(0)
    const codes = r.stdout.toString().match(/^\d{3} \d+$/gm)
    // The second request reused the connection (no new connect).
    expect(codes).toEqual(['400 1', '200 0'])
    const [blocked, counted] = (await proxy.sink.waitFor(before + 2)).slice(before)
    expect(blocked).toMatchObject({ outcome: 'blocked', model: 'claude-sonnet-4-5', user: 'carol' })
    expect(blocked?.requestBytes).toBeGreaterThan(big.length)
    expect(counted).toMatchObject({ outcome: 'ok', endpoint: 'count_tokens' })
    expect(mock.seen.slice(seenBefore).map((s) => s.path)).toEqual(['/v1/messages/count_tokens'])
  })

  test('stored once in Postgres; the dashboard query finds whose requests each budget blocked', async () => {
    await waitFor('the blocked rows', async () => {
      const [r] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from usage_events where outcome = 'blocked'`
      return r?.n === proxy.sink.records.filter((x) => x.outcome === 'blocked').length
    })
    const w = budgetWindow('day', 'Europe/Berlin', new Date())
    const capped = await budgetBlocked(
      db.sql,
      { name: 'capped-daily', scope: { project: 'capped' } },
      w,
    )
    expect(capped.users.map((u) => [u.user, u.requests])).toEqual([
      ['alice', 3], // Anthropic, OpenAI, Gemini
      ['carol', 1],
      ['dora', 1], // Bedrock
    ])
    const opus = await budgetBlocked(
      db.sql,
      { name: 'opus-daily', scope: { project: 'opus', model: 'claude-opus-4-1' } },
      w,
    )
    expect(opus.requests).toBe(1)
    const m = await (await fetch(`${proxy.proxyUrl}/metrics`)).text()
    expect(m).toContain('tokentap_budgets_blocking 3')
    expect(m).toMatch(/tokentap_exchanges_total\{provider="anthropic",outcome="blocked"\} [1-9]/)
  })
})
