// `bun run proxy` with PROXY_WORKERS=2 against a real Postgres: requests over many connections
// reach both workers (SO_REUSEPORT), each lands exactly one record; /metrics, asked of any worker,
// sums both; a budget crossed by their joint spend is alerted once (flushes relayed to the worker
// that runs the alerts); SIGTERM to the primary lets a stream in flight finish, flushes its
// record and stops every worker.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type SlackMock, startSlackMock } from '../alerts/slack-mock.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl } from '../helpers/proxy-harness.ts'

const MAIN = join(import.meta.dir, '..', '..', 'src', 'main.ts')
const REQUESTS = 24
// claude-sonnet-4-5: 10 × $3 + 5 × $15 per MTok = $0.000105 a request: the budget is crossed
// only by both workers' records together.
const usage = { input_tokens: 10, output_tokens: 5 }
const budgets = 'budgets:\n  - name: team\n    period: day\n    limitUsd: 0.002\n'

let db: TestDatabase
let mock: MockUpstream
let slack: SlackMock
let home: string
let releaseStream: () => void = () => {}
let streamStarted: () => void = () => {}
const started = new Promise<void>((r) => {
  streamStarted = r
})

const sse = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

beforeAll(async () => {
  db = await testDatabase()
  mock = await startMockUpstream()
  slack = startSlackMock()
  home = mkdtempSync(join(tmpdir(), 'tt-workers-'))
  writeFileSync(join(home, 'budgets.yaml'), budgets)
  mock.on('api.anthropic.com', 'POST /v1/messages', (req) => {
    if (req.headers.get('x-test-stream') === null) {
      return Response.json({ id: 'msg_worker', model: 'claude-sonnet-4-5-20250929', usage })
    }
    // A stream that stops halfway until the test lets it go on (after SIGTERM).
    const enc = new TextEncoder()
    const body = new ReadableStream<Uint8Array>({
      async start(c) {
        c.enqueue(
          enc.encode(
            sse('message_start', {
              type: 'message_start',
              message: {
                id: 'msg_drain',
                model: 'claude-sonnet-4-5-20250929',
                usage: { input_tokens: 21, output_tokens: 1 },
              },
            }),
          ),
        )
        streamStarted()
        await new Promise<void>((r) => {
          releaseStream = r
        })
        c.enqueue(
          enc.encode(
            sse('message_delta', {
              type: 'message_delta',
              delta: { stop_reason: 'end_turn' },
              usage: { output_tokens: 9 },
            }),
          ),
        )
        c.enqueue(enc.encode(sse('message_stop', { type: 'message_stop' })))
        c.close()
      },
    })
    return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
  })
}, 60_000)

afterAll(async () => {
  releaseStream()
  await slack?.stop()
  await mock?.stop()
  await db?.drop()
  rmSync(home, { recursive: true, force: true })
}, 30_000)

/** Reads until the text matches (or the stream ends: a pattern that never matches reads it all). */
async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const reader = stream.getReader()
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
    if (pattern.test(text)) break
  }
  reader.releaseLock()
  return text
}

const series = (text: string, key: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${key} `))
  return line === undefined ? undefined : Number(line.slice(key.length + 1))
}

describe('PROXY_WORKERS=2', () => {
  test('both workers serve, one record per request, /metrics sums, one alert, SIGTERM drains', async () => {
    const proxy = Bun.spawn(['bun', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: home,
        TOKENTAP_HOME: join(home, '.tokentap'),
        PROXY_WORKERS: '2',
        PROXY_PORT: '0',
        DATABASE_URL: db.url,
        BATCH_INTERVAL_MS: '50',
        TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
        TOKENTAP_UPSTREAM_CA: mock.caPath,
        TOKENTAP_BUDGETS: join(home, 'budgets.yaml'),
        SLACK_WEBHOOK_URL: slack.url(),
      },
      stdout: 'ignore',
      stderr: 'pipe',
    })
    const out = await readUntil(
      proxy.stderr,
      /listening on http:\/\/127\.0\.0\.1:(\d+) \(2 workers\)/,
    )
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]
    expect(port).toBeDefined()
    const via = [
      '--proxy',
      `http://127.0.0.1:${port}`,
      '--cacert',
      join(home, '.tokentap', 'ca', 'ca.pem'),
    ]
    const count = async (): Promise<number> =>
      Number((await db.sql`select count(*)::int as n from usage_events`)[0]?.n)

    // Each curl is a new connection from a new source port: the kernel spreads them.
    for (let i = 0; i < REQUESTS; i++) {
      const r = await curl([
        ...via,
        '-d',
        '{"model":"claude-sonnet-4-5"}',
        'https://api.anthropic.com/v1/messages',
      ])
      expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' })
    }
    while ((await count()) < REQUESTS) await Bun.sleep(20)
    while (slack.delivered().length === 0) await Bun.sleep(20)

    const metrics = (await curl([`http://127.0.0.1:${port}/metrics`])).stdout.toString()
    expect(series(metrics, 'tokentap_exchanges_total{provider="anthropic",outcome="ok"}')).toBe(
      REQUESTS,
    )
    expect(series(metrics, 'tokentap_workers')).toBe(2)
    const w0 = series(metrics, 'tokentap_worker_exchanges{worker="0"}') ?? 0
    const w1 = series(metrics, 'tokentap_worker_exchanges{worker="1"}') ?? 0
    expect({ both: w0 > 0 && w1 > 0, sum: w0 + w1 }).toEqual({ both: true, sum: REQUESTS })
    expect(series(metrics, 'tokentap_records_written')).toBe(REQUESTS)

    // A stream in flight when the primary gets SIGTERM finishes, and its record is written.
    const stream = Bun.spawn(
      [
        'curl',
        '-sSN',
        ...via,
        '-H',
        'x-test-stream: 1',
        '-d',
        '{"model":"claude-sonnet-4-5","stream":true}',
        'https://api.anthropic.com/v1/messages',
      ],
      { stdout: 'pipe', stderr: 'pipe', env: { PATH: process.env.PATH ?? '' } },
    )
    await started
    const head = await readUntil(stream.stdout, /message_start/)
    proxy.kill('SIGTERM')
    // Both workers are draining (listeners closed) before the stream goes on.
    await readUntil(proxy.stderr, /worker (0|1): SIGTERM[\s\S]*worker (?!\1)[01]: SIGTERM/)
    releaseStream()
    const rest = await readUntil(stream.stdout, /$^/)
    expect(await stream.exited).toBe(0)
    expect(`${head}${rest}`).toContain('message_stop')
    expect(await proxy.exited).toBe(0)

    const rows = await db.sql<{ n: number; ids: number }[]>`
      select count(*)::int as n, count(distinct id)::int as ids from usage_events`
    expect(rows[0]).toEqual({ n: REQUESTS + 1, ids: REQUESTS + 1 })
    const [drained] = await db.sql<
      { input_tokens: number; output_tokens: number; outcome: string }[]
    >`
      select input_tokens::int, output_tokens::int, outcome from usage_events
      where response_id = 'msg_drain'`
    expect(drained).toEqual({ input_tokens: 21, output_tokens: 9, outcome: 'ok' })
    const [rollup] = await db.sql<{ requests: number }[]>`
      select sum(requests)::int as requests from usage_rollup_hourly`
    expect(rollup?.requests).toBe(REQUESTS + 1)
    // Each threshold the joint spend crossed is one row and one message, whichever worker flushed.
    const sent = await db.sql<{ n: number }[]>`
      select count(*)::int as n from alerts_sent where budget = 'team' and delivered_at is not null`
    expect(sent[0]?.n).toBe(slack.delivered().length)
    expect(slack.delivered().length).toBeGreaterThan(0)
  }, 60_000)
})
