// OpenAI chat streams whose client did not ask for usage: the proxy asks upstream for it
// (stream_options.include_usage) and removes what that changes from the stream the client
// gets, so the client sees the stream it asked for and the record still has exact usage. A host
// that reports usage unasked (Mistral here) gets the request exactly as the client sent it.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { type Harness, startProxy } from './helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness
let plain: Harness

const CHUNKS = [
  {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, delta: { role: 'assistant', content: '' } }],
  },
  {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, delta: { content: 'Hello' } }],
  },
  {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-2024-08-06',
    choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
  },
]
const USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 40,
  total_tokens: 1240,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 0 },
}
const event = (o: unknown): string => `data: ${JSON.stringify(o)}\n\n`
/** What OpenAI streams with include_usage: `"usage":null` on every chunk, then a usage chunk. */
const WITH_USAGE = [
  ...CHUNKS.map((c) => event({ ...c, usage: null })),
  event({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    model: 'gpt-4o-2024-08-06',
    choices: [],
    usage: USAGE,
  }),
  'data: [DONE]\n\n',
]
/** What it streams without. */
const WITHOUT_USAGE = [...CHUNKS.map((c) => event(c)), 'data: [DONE]\n\n']

const received: { body: string; acceptEncoding: string | null }[] = []

// As api.mistral.ai streams: usage on the finish chunk, unasked; a stream_options field is refused.
const MISTRAL_USAGE = { prompt_tokens: 42, completion_tokens: 10, total_tokens: 52 }
const MISTRAL_CHUNK = { id: 'm1', object: 'chat.completion.chunk', model: 'mistral-large-latest' }
const MISTRAL_STREAM = [
  event({
    ...MISTRAL_CHUNK,
    choices: [{ index: 0, delta: { content: 'Hi' }, finish_reason: null }],
  }),
  event({
    ...MISTRAL_CHUNK,
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'stop' }],
    usage: MISTRAL_USAGE,
  }),
  'data: [DONE]\n\n',
]

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.mistral.ai', 'POST /v1/chat/completions', async (req) => {
    const body = await req.text()
    received.push({ body, acceptEncoding: req.headers.get('accept-encoding') })
    if ('stream_options' in JSON.parse(body)) return new Response('{}', { status: 422 })
    return new Response(MISTRAL_STREAM.join(''), {
      headers: { 'content-type': 'text/event-stream' },
    })
  })
  mock.on('api.openai.com', 'POST /v1/chat/completions', async (req) => {
    const body = await req.text()
    received.push({ body, acceptEncoding: req.headers.get('accept-encoding') })
    const asked = (JSON.parse(body) as { stream_options?: { include_usage?: boolean } })
      .stream_options
    const events = asked?.include_usage ? WITH_USAGE : WITHOUT_USAGE
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        for (const e of events) {
          controller.enqueue(new TextEncoder().encode(e))
          await Bun.sleep(2)
        }
        controller.close()
      },
    })
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
  })
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  plain = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { TOKENTAP_INJECT_STREAM_USAGE: '0' },
  })
})

afterAll(async () => {
  await proxy.stop()
  await plain.stop()
  await mock.stop()
})

async function chat(via: Harness, body: string): Promise<string> {
  const res = await fetch('https://api.openai.com/v1/chat/completions', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip, br' },
    proxy: via.proxyUrl,
    tls: { ca: await Bun.file(via.caPath).text() },
  })
  expect(res.status).toBe(200)
  return res.text()
}

describe('include_usage injection', () => {
  test('the client gets the stream it asked for; the record has the exact usage', async () => {
    const before = proxy.sink.records.length
    const body = '{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}'
    expect(await chat(proxy, body)).toBe(WITHOUT_USAGE.join(''))
    const sent = received.at(-1)!
    expect(JSON.parse(sent.body)).toEqual({
      ...JSON.parse(body),
      stream_options: { include_usage: true },
    })
    // The stream is filtered on its way: it is asked for uncompressed.
    expect(sent.acceptEncoding).toBe('identity')
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'openai',
      endpoint: 'chat.completions',
      model: 'gpt-4o-2024-08-06',
      stream: true,
      usageSource: 'provider',
      inputTokens: 200,
      cacheReadTokens: 1000,
      outputTokens: 40,
    })
  })

  test('a client that asked for usage gets the upstream bytes untouched', async () => {
    const body =
      '{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}'
    expect(await chat(proxy, body)).toBe(WITH_USAGE.join(''))
    expect(received.at(-1)!.body).toBe(body)
  })

  test('a host that reports usage unasked (Mistral) gets the bytes the client sent', async () => {
    const before = proxy.sink.records.length
    const body = '{"model":"mistral-large-latest","stream":true,"messages":[]}'
    const res = await fetch('https://api.mistral.ai/v1/chat/completions', {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'accept-encoding': 'gzip' },
      proxy: proxy.proxyUrl,
      tls: { ca: await Bun.file(proxy.caPath).text() },
    })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(MISTRAL_STREAM.join(''))
    expect(received.at(-1)).toEqual({ body, acceptEncoding: 'gzip' })
    expect(await proxy.sink.recordAfter(before)).toMatchObject({
      provider: 'mistral',
      stream: true,
      usageSource: 'provider',
      inputTokens: 42,
      outputTokens: 10,
    })
  })

  test('non-streamed requests are sent as they are', async () => {
    const body = '{"model":"gpt-4o","messages":[]}'
    await chat(proxy, body)
    expect(received.at(-1)!.body).toBe(body)
  })

  test('TOKENTAP_INJECT_STREAM_USAGE=0: nothing is changed, and the record is estimated and flagged', async () => {
    const before = plain.sink.records.length
    const body = '{"model":"gpt-4o","stream":true,"messages":[]}'
    expect(await chat(plain, body)).toBe(WITHOUT_USAGE.join(''))
    expect(received.at(-1)!.body).toBe(body)
    const rec = await plain.sink.recordAfter(before)
    // No usage chunk: estimated from the text seen ("Hello": 1 token), flagged (see test/estimate/).
    expect(rec).toMatchObject({ stream: true, usageSource: 'estimated', inputTokens: 0 })
    expect(rec.outputTokens).toBe(1)
    expect(rec.parseError).toContain('include_usage')
  })
})
