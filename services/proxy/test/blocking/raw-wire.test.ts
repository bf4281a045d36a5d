// Hard budgets on raw bytes: an upstream that counts its connections and every byte, a client
// through a CONNECT tunnel. A refused request sends the upstream nothing (its only connection is
// the one the proxy prewarms at CONNECT, for the next request that may go); a request the gate
// lets through after holding its body arrives byte for byte; a client that gives up while its
// body is held still yields its one record; a refused WebSocket upgrade gets the JSON error.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { spend } from '../alerts/helpers.ts'
import { type RawUpstream, startRawUpstream, tunnel } from '../framing/wire.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'

let db: TestDatabase
let upstream: RawUpstream
let proxy: Harness

beforeAll(async () => {
  db = await testDatabase()
  upstream = await startRawUpstream()
  const now = new Date().toISOString()
  await spend(db.sql, [
    { at: now, cost: 2, project: 'capped' },
    { at: now, cost: 2, project: 'opus', model: 'claude-opus-4-1' },
  ])
  const budgets = join(mkdtempSync(join(tmpdir(), 'tt-block-raw-')), 'budgets.json')
  const hook = 'http://127.0.0.1:9/hook' // never called: no threshold alert is due here
  const block = { action: 'block', limitUsd: 1, webhookUrl: hook, thresholds: [10] }
  writeFileSync(
    budgets,
    JSON.stringify({
      budgets: [
        { name: 'capped', period: 'day', ...block, scope: { project: 'capped' } },
        {
          name: 'opus',
          period: 'week',
          ...block,
          scope: { project: 'opus', model: 'claude-opus-4-1' },
        },
      ],
    }),
  )
  proxy = await startProxy({
    upstreamPort: upstream.port,
    upstreamCaPath: upstream.caPath,
    env: { DATABASE_URL: db.url, BATCH_INTERVAL_MS: '50', TOKENTAP_BUDGETS: budgets },
  })
  await waitFor('the blocking snapshot', () => proxy.app.blocker?.snapshot().over.length === 2)
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
  await db.drop()
}, 30_000)

const open = (project: string) =>
  tunnel(proxy.app.address.port, proxy.app.caCertPem, {
    auth: `Basic ${Buffer.from(`dana+${project}:t`).toString('base64')}`,
  })

const post = (path: string, body: string, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: api.anthropic.com\r\nx-api-key: sk-ant-api03-x\r\n` +
  `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`

describe('hard budgets on the wire', () => {
  test('refused: the answer waits for the whole body, and not one byte reaches the upstream', async () => {
    const connsBefore = upstream.conns.length
    const c = await open('capped')
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1 })
    const whole = post('/v1/messages', body)
    // The head and half the body, then the rest: the answer waits for the whole body.
    c.send(whole.slice(0, whole.length - 10))
    await Bun.sleep(50)
    c.send(whole.slice(whole.length - 10))
    const r = await c.responses(1)
    expect(r.statuses).toEqual([400])
    expect(r.bodies[0]).toContain('"invalid_request_error"')
    c.destroy()
    await waitFor('the record', () => proxy.sink.records.some((x) => x.outcome === 'blocked'))
    // At most the connection prewarmed at CONNECT; nothing was written on any of them.
    expect(upstream.conns.length - connsBefore).toBeLessThanOrEqual(1)
    expect(upstream.received()).toBe(0)
  })

  test('a client that leaves while its body is held: one record, aborted, not billable', async () => {
    const before = proxy.sink.records.length
    const c = await open('capped')
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 1 })
    c.send(post('/v1/messages', body).slice(0, -5))
    await Bun.sleep(50)
    c.destroy()
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({ outcome: 'aborted', billable: false, status: null, costUsd: 0 })
    expect(upstream.received()).toBe(0)
  })

  test('held, then let through (a model-scoped budget, another model): the upstream gets the exact bytes', async () => {
    const c = await open('opus')
    const body = JSON.stringify({ model: 'claude-sonnet-4-5', pad: 'y'.repeat(1_200_000) })
    const whole = post('/v1/messages', body)
    // Over the hold bound: the gate decides on the held head, then the rest streams.
    c.send(whole.slice(0, 700_000))
    c.send(whole.slice(700_000))
    const r = await c.responses(1)
    expect(r.statuses).toEqual([200])
    const seen = upstream.requests.at(-1)
    expect(seen?.body.toString()).toBe(body)
    expect(seen?.head).toContain('x-api-key: sk-ant-api03-x')
    // And the same budget refuses its own model.
    const before = upstream.received()
    c.send(post('/v1/messages', JSON.stringify({ model: 'claude-opus-4-1' })))
    const again = await c.responses(2)
    expect(again.statuses).toEqual([200, 400])
    expect(again.bodies[1]).toContain('budget \\"opus\\"')
    expect(upstream.received()).toBe(before)
    c.destroy()
  })

  test('a Responses WebSocket upgrade is refused with the JSON error, and the connection closes', async () => {
    const before = upstream.received()
    const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem, {
      host: 'api.openai.com',
      auth: `Basic ${Buffer.from('dana+capped:t').toString('base64')}`,
    })
    c.send(
      'GET /v1/responses HTTP/1.1\r\nHost: api.openai.com\r\nauthorization: Bearer sk-proj-x\r\n' +
        'connection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\n' +
        'sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    const r = await c.until((x) => x.closed && x.statuses.length > 0)
    expect(r.statuses).toEqual([400])
    expect(JSON.parse(r.bodies[0] ?? '{}')).toMatchObject({ error: { code: 'budget_exceeded' } })
    expect(r.headers[0]).toContain('close')
    expect(r.closed).toBe(true)
    expect(upstream.received()).toBe(before)
  })
})
