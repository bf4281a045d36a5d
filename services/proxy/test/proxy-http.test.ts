// The MITM proxy end to end over real sockets: curl and Bun's fetch as clients, a TLS mock
// upstream on loopback. Checks byte-exact relaying, streaming without delay, and the records.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { gzipSync } from 'node:zlib'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from './helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness

const MESSAGE = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: 'claude-sonnet-4-5-20250929',
  content: [{ type: 'text', text: 'Hello!' }],
  stop_reason: 'end_turn',
  usage: {
    input_tokens: 12,
    cache_creation_input_tokens: 3000,
    cache_read_input_tokens: 400,
    cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
    output_tokens: 6,
  },
}

const sseEvent = (event: string, data: unknown): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

const STREAM_EVENTS = [
  sseEvent('message_start', {
    type: 'message_start',
    message: {
      ...MESSAGE,
      content: [],
      stop_reason: null,
      usage: { input_tokens: 25, output_tokens: 1 },
    },
  }),
  sseEvent('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  sseEvent('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hi' },
  }),
  sseEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
  sseEvent('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn' },
    usage: { input_tokens: 25, output_tokens: 15 },
  }),
  sseEvent('message_stop', { type: 'message_stop' }),
]

/** Lets the test decide when the mock sends each event. */
function gate() {
  const opened: (() => void)[] = []
  const waits: Promise<void>[] = []
  for (let i = 0; i < 64; i++) waits.push(new Promise<void>((r) => opened.push(r)))
  return { wait: (i: number) => waits[i]!, open: (i: number) => opened[i]?.() }
}

/** Scenario handlers for POST /v1/messages, chosen by the request's x-scenario header. */
const scenarios = new Map<string, () => Response>()

beforeAll(async () => {
  mock = await startMockUpstream()
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  mock.on('api.anthropic.com', 'POST /v1/messages', (req) => {
    const scenario = scenarios.get(req.headers.get('x-scenario') ?? '')
    return scenario ? scenario() : Response.json(MESSAGE)
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

describe('intercepted HTTPS through the proxy', () => {
  test('curl: JSON response byte for byte, record with exact usage and identity', async () => {
    const before = proxy.sink.records.length
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--proxy-user',
      'alice+billing-bot:secret-token',
      '--cacert',
      proxy.caPath,
      '-H',
      'content-type: application/json',
      '-H',
      'x-tokentap-project: override-proj',
      '-d',
      JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [] }),
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    expect(JSON.parse(r.stdout.toString())).toEqual(MESSAGE)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'anthropic',
      host: 'api.anthropic.com',
      method: 'POST',
      path: '/v1/messages',
      endpoint: 'messages',
      model: 'claude-sonnet-4-5-20250929',
      status: 200,
      outcome: 'ok',
      transport: 'http',
      stream: false,
      inputTokens: 12,
      outputTokens: 6,
      cacheReadTokens: 400,
      cacheWrite5mTokens: 1000,
      cacheWrite1hTokens: 2000,
      usageSource: 'provider',
      billable: true,
      responseId: MESSAGE.id,
      user: 'alice',
      project: 'override-proj',
      program: 'curl',
      error: null,
      // Sonnet 4.5 per MTok: input $3, output $15, cache read $0.30, 5m write $3.75, 1h write $6:
      // 12×3 + 6×15 + 400×0.3 + 1000×3.75 + 2000×6 = 15,996 µ$
      costUsd: 0.015996,
      priceSource: 'genai-prices',
    })
    expect(rec!.responseBytes).toBe(JSON.stringify(MESSAGE).length)
    // The attribution header is stripped before forwarding.
    const seen = mock.seen.at(-1)!
    expect(seen.headers.get('x-tokentap-project')).toBeNull()
    expect(seen.headers.get('host')).toBe('api.anthropic.com')
  })

  test('Bun fetch: keep-alive requests over one tunnel each produce one record', async () => {
    const before = proxy.sink.records.length
    for (let i = 0; i < 3; i++) {
      const res = await fetch('https://api.anthropic.com/v1/messages', {
        method: 'POST',
        body: JSON.stringify({ model: 'claude-haiku-4-5', messages: [] }),
        headers: { 'content-type': 'application/json' },
        proxy: proxy.proxyUrl,
        tls: { ca: await Bun.file(proxy.caPath).text() },
      })
      expect(res.status).toBe(200)
      expect(((await res.json()) as typeof MESSAGE).id).toBe(MESSAGE.id)
    }
    const recs = (await proxy.sink.waitFor(before + 3)).slice(before)
    expect(recs.map((r) => r.inputTokens)).toEqual([12, 12, 12])
    // One tunnel, one upstream connection: the pool reuses it for every request.
    const metrics = await (await fetch(`${proxy.proxyUrl}/metrics`)).text()
    const connects = Number(/tokentap_upstream_connects (\d+)/.exec(metrics)?.[1])
    expect(connects).toBeLessThanOrEqual(2)
    expect(new Set(recs.map((r) => r.id)).size).toBe(3)
  })

  test('SSE: each event reaches the client before the next is sent upstream', async () => {
    const g = gate()
    scenarios.set('gated-stream', () => {
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          for (let i = 0; i < STREAM_EVENTS.length; i++) {
            await g.wait(i)
            controller.enqueue(new TextEncoder().encode(STREAM_EVENTS[i]))
          }
          controller.close()
        },
      })
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
    })
    const before = proxy.sink.records.length
    g.open(0)
    const res = await fetch('https://api.anthropic.com/v1/messages', {
      method: 'POST',
      headers: { 'x-scenario': 'gated-stream' },
      body: JSON.stringify({ model: 'claude-sonnet-4-5', stream: true, messages: [] }),
      proxy: proxy.proxyUrl,
      tls: { ca: await Bun.file(proxy.caPath).text() },
    })
    const reader = res.body!.getReader()
    let text = ''
    let received = 0
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      text += new TextDecoder().decode(value)
      // Only when the client holds event i does the upstream send event i+1: a proxy that
      // buffered would deadlock here and time the test out.
      while (received < STREAM_EVENTS.length && text.includes(STREAM_EVENTS[received]!)) {
        received++
        g.open(received)
      }
    }
    expect(text).toBe(STREAM_EVENTS.join(''))
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      stream: true,
      inputTokens: 25,
      outputTokens: 15,
      usageSource: 'provider',
    })
  }, 10_000)

  test('gzip: the client gets the compressed bytes; the record has the usage', async () => {
    const gz = gzipSync(JSON.stringify(MESSAGE))
    scenarios.set(
      'gzip',
      () =>
        new Response(gz, {
          headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        }),
    )
    const before = proxy.sink.records.length
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      proxy.caPath,
      '-d',
      '{}',
      '-H',
      'x-scenario: gzip',
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.code).toBe(0)
    expect(Buffer.compare(r.stdout, gz)).toBe(0)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({ outputTokens: 6, responseBytes: gz.length })
  })

  test('upstream errors are relayed and recorded as upstream_error', async () => {
    scenarios.set('overloaded', () =>
      Response.json(
        { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
        { status: 529 },
      ),
    )
    const before = proxy.sink.records.length
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      proxy.caPath,
      '-d',
      '{}',
      '-w',
      '%{http_code}',
      '-o',
      '/dev/null',
      '-H',
      'x-scenario: overloaded',
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.stdout.toString()).toBe('529')
    const rec = await proxy.sink.recordAfter(before)
    // An error answer without usage was not billed.
    expect(rec).toMatchObject({
      status: 529,
      outcome: 'upstream_error',
      usageSource: 'none',
      billable: false,
    })
  })

  test('client abort mid-stream: record with partial usage, outcome aborted', async () => {
    const g = gate()
    scenarios.set('abort', () => {
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(new TextEncoder().encode(STREAM_EVENTS[0]))
          await g.wait(1)
          controller.close()
        },
      })
      return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
    })
    const before = proxy.sink.records.length
    const ac = new AbortController()
    const res = await fetch('https://api.anthropic.com/v1/messages', {
      method: 'POST',
      headers: { 'x-scenario': 'abort' },
      body: '{"stream":true}',
      proxy: proxy.proxyUrl,
      tls: { ca: await Bun.file(proxy.caPath).text() },
      signal: ac.signal,
    })
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toContain('message_start')
    ac.abort()
    const rec = await proxy.sink.recordAfter(before)
    g.open(1)
    expect(rec).toMatchObject({
      outcome: 'aborted',
      usageSource: 'partial',
      inputTokens: 25,
      stream: true,
    })
  })
})
