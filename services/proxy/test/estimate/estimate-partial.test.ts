// An Anthropic stream the client aborts after message_start: the provider's input and cache
// counts stay exact, and the output (reported as 1 so far) is topped up from the text streamed,
// with exactly the count js-tiktoken gives for it.

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { countTokens, encodingForModel } from '../../src/estimate/tokens.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'

const MODEL = 'claude-sonnet-4-5-20250929'
const TEXT = ['Once upon', ' a time, a proxy', ' counted every token', ' it relayed.']
const sse = (type: string, data: object) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`
const STREAM = [
  sse('message_start', {
    message: {
      id: 'msg_partial',
      type: 'message',
      role: 'assistant',
      model: MODEL,
      content: [],
      usage: { input_tokens: 1200, cache_read_input_tokens: 800, output_tokens: 1 },
    },
  }),
  sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
  ...TEXT.map((text) =>
    sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text } }),
  ),
]

let mock: MockUpstream
let proxy: Harness
const open: ReadableStreamDefaultController<Uint8Array>[] = []

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const e of STREAM) controller.enqueue(new TextEncoder().encode(e))
        open.push(controller) // never finishes: the client aborts
      },
    })
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
  })
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
}, 60_000)

afterAll(async () => {
  for (const c of open) {
    try {
      c.close()
    } catch {
      // already closed when the proxy dropped the upstream connection
    }
  }
  await proxy.stop()
  await mock.stop()
})

test('aborted after message_start: exact input and cache, output topped up', async () => {
  const before = proxy.sink.records.length
  const abort = new AbortController()
  const res = await fetch('https://api.anthropic.com/v1/messages', {
    method: 'POST',
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      stream: true,
      messages: [{ role: 'user', content: 'Tell a story.' }],
    }),
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    proxy: proxy.proxyUrl,
    tls: { ca: await Bun.file(proxy.caPath).text() },
    signal: abort.signal,
  })
  expect(res.status).toBe(200)
  const reader = res.body!.getReader()
  let got = ''
  const decoder = new TextDecoder()
  while (!got.includes(TEXT.at(-1)!)) {
    const { value, done } = await reader.read()
    if (done) break
    got += decoder.decode(value, { stream: true })
  }
  abort.abort()
  const rec = await proxy.sink.recordAfter(before)
  const output = countTokens(TEXT.join(''), encodingForModel(MODEL))
  expect(output).toBeGreaterThan(1)
  expect(rec).toMatchObject({
    outcome: 'aborted',
    model: MODEL,
    usageSource: 'estimated',
    inputTokens: 1200,
    cacheReadTokens: 800,
    outputTokens: output,
  })
  expect(rec.parseError).toContain('reported 1 before the stream ended')
  expect(rec.costUsd).toBeGreaterThan(0)
}, 60_000)
