// Body capture end to end with Postgres: TOKENTAP_CAPTURE_BODIES stores each exchange's bodies
// redacted and bounded in exchange_bodies (in the same flush as its usage row) and never in the
// JSON-lines log; off, nothing is stored, except — with TOKENTAP_PROVIDERS `captureUnknown` — the
// bodies of exchanges no dialect understands. Retention deletes bodies past their age.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { startBodyPruner } from '../../src/capture/retention.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'

let db: TestDatabase
let mock: MockUpstream
let capturing: Harness
let plain: Harness
const dir = mkdtempSync(join(tmpdir(), 'tt-capture-'))
const logPath = join(dir, 'usage.jsonl')

const SECRET = 'sk-proj-abcdefghijklmnopqrstuvwxyz'
const MARKER = 'UNIQUE-PROMPT-MARKER'
const RESPONSE = JSON.stringify({
  id: 'msg_cap',
  type: 'message',
  model: 'claude-haiku-4-5',
  content: [{ type: 'text', text: 'Bonjour ☕' }],
  usage: { input_tokens: 12, output_tokens: 3 },
})

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  mock.on(
    'api.anthropic.com',
    'POST /v1/messages',
    () => new Response(RESPONSE, { headers: { 'content-type': 'application/json' } }),
  )
  mock.on('example.com', 'POST /rpc', () => new Response('{"unknown":"shape"}'))
  const providersFile = join(dir, 'providers.json')
  writeFileSync(
    providersFile,
    JSON.stringify({
      providers: [{ name: 'acme', hosts: ['plain.example.com'], dialect: 'openai-chat' }],
      captureUnknown: true,
    }),
  )
  const base = { upstreamPort: mock.port, upstreamCaPath: mock.caPath }
  const env = {
    DATABASE_URL: db.url,
    BATCH_INTERVAL_MS: '50',
    TOKENTAP_INTERCEPT_HOSTS: 'example.com',
  }
  capturing = await startProxy({
    ...base,
    env: {
      ...env,
      TOKENTAP_CAPTURE_BODIES: '1',
      TOKENTAP_CAPTURE_MAX_BYTES: '1024',
      TOKENTAP_USAGE_LOG: logPath,
    },
  })
  plain = await startProxy({ ...base, env: { ...env, TOKENTAP_PROVIDERS: providersFile } })
}, 60_000)

afterAll(async () => {
  await capturing.stop()
  await plain.stop()
  await mock.stop()
  await db.drop()
  rmSync(dir, { recursive: true, force: true })
})

async function post(via: Harness, url: string, body: string): Promise<UsageRecord> {
  const before = via.sink.records.length
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-api03-HEADERSECRET' },
    proxy: via.proxyUrl,
    tls: { ca: await Bun.file(via.caPath).text() },
  })
  await res.text()
  return via.sink.recordAfter(before)
}

/** Waits for the record's usage row (its bodies, if any, are written in the same statement). */
async function bodiesFor(
  id: string,
): Promise<{ request: string | null; response: string | null }[]> {
  await waitFor('usage row', async () => {
    const rows = await db.sql`select 1 from usage_events where id = ${id}`
    return rows.length === 1
  })
  return [
    ...(await db.sql<{ request: string | null; response: string | null }[]>`
    select request, response from exchange_bodies where event_id = ${id}`),
  ]
}

const prompt = (words: number) =>
  JSON.stringify({
    model: 'claude-haiku-4-5',
    messages: [
      { role: 'user', content: `${MARKER} key ${SECRET} ${'lorem ipsum '.repeat(words)}` },
    ],
  })

describe('TOKENTAP_CAPTURE_BODIES', () => {
  test('bodies stored redacted and bounded, beside the usage row; not in the JSON-lines log', async () => {
    const body = prompt(200) // > 1024 bytes
    const rec = await post(capturing, 'https://api.anthropic.com/v1/messages', body)
    expect(rec.usageSource).toBe('provider')
    const rows = await bodiesFor(rec.id)
    expect(rows).toHaveLength(1)
    const { request, response } = rows[0]!
    const cut = new TextEncoder().encode(body).length
    expect(request).toContain(`[truncated: first 1024 of ${cut} bytes]`)
    expect(request).toContain(MARKER)
    expect(request).toContain('sk-proj…')
    expect(request).not.toContain(SECRET)
    expect(request).not.toContain('HEADERSECRET') // headers are never captured
    expect(response).toBe(RESPONSE)
    await waitFor('log line', () => readFileSync(logPath, 'utf8').includes(rec.id))
    expect(readFileSync(logPath, 'utf8')).not.toContain(MARKER)
  }, 60_000)

  test('off: no bodies for a known dialect', async () => {
    const rec = await post(plain, 'https://api.anthropic.com/v1/messages', prompt(1))
    expect(await bodiesFor(rec.id)).toEqual([])
  }, 60_000)

  test('captureUnknown: bodies of an exchange no dialect reads are stored even when off', async () => {
    const rec = await post(plain, 'https://example.com/rpc', `{"hello":"${MARKER}"}`)
    expect(rec).toMatchObject({ provider: 'example.com', usageSource: 'none' })
    expect(await bodiesFor(rec.id)).toEqual([
      { request: `{"hello":"${MARKER}"}`, response: '{"unknown":"shape"}' },
    ])
  }, 60_000)
})

test('retention: bodies older than TOKENTAP_BODY_RETENTION_DAYS are pruned (clock injected)', async () => {
  const rec = await post(capturing, 'https://api.anthropic.com/v1/messages', prompt(1))
  expect(await bodiesFor(rec.id)).toHaveLength(1)
  const day = 86_400_000
  let now = Date.now() + 6 * day
  const pruner = startBodyPruner({
    sql: db.sql,
    retentionDays: 7,
    now: () => now,
    firstDelayMs: 1e9,
  })
  try {
    expect(await pruner.prune()).toBe(0)
    expect(await bodiesFor(rec.id)).toHaveLength(1)
    now = Date.now() + 8 * day
    expect(await pruner.prune()).toBeGreaterThanOrEqual(1)
    expect(await bodiesFor(rec.id)).toEqual([])
    // The usage row stays: only bodies expire.
    const [n] = await db.sql<
      { n: number }[]
    >`select count(*)::int as n from usage_events where id = ${rec.id}`
    expect(n?.n).toBe(1)
  } finally {
    pruner.stop()
  }
}, 60_000)
