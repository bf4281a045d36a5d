// Token estimates through the proxy: a chat stream the client aborts before its usage chunk and a
// stream without usage (TOKENTAP_INJECT_STREAM_USAGE=0) are recorded `estimated`, with exactly
// the counts js-tiktoken gives for the request's prompt and the text streamed; errors without
// output are not estimated; a broken estimator still yields the record; TOKENTAP_ESTIMATE=0 is off.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createEstimator } from '../../src/estimate/estimator.ts'
import { extractRequestText } from '../../src/estimate/request-text.ts'
import { countTokens, encodingForModel } from '../../src/estimate/tokens.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'

const MODEL = 'gpt-4o-2024-08-06'
const WORDS = ['The quick', ' brown fox', ' jumps over', ' the lazy dog. ', '日本語 🚀']
const chunk = (delta: object) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', model: MODEL, choices: [{ index: 0, delta }] })}\n\n`
const STREAM = [
  chunk({ role: 'assistant', content: '' }),
  ...WORDS.map((w) => chunk({ content: w })),
]

let mock: MockUpstream
let proxy: Harness
let noInject: Harness
let off: Harness
let broken: Harness
/** Streams left open (the aborted case), closed at the end. */
const open: ReadableStreamDefaultController<Uint8Array>[] = []

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.openai.com', 'POST /v1/chat/completions', async (req) => {
    const body = (await req.json()) as { user?: string }
    if (body.user === 'error') {
      return Response.json({ error: { message: 'slow down' } }, { status: 429 })
    }
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const e of STREAM) controller.enqueue(new TextEncoder().encode(e))
        if (body.user === 'hang')
          open.push(controller) // never finishes: the client aborts
        else {
          controller.enqueue(new TextEncoder().encode('data: [DONE]\n\n'))
          controller.close()
        }
      },
    })
    return new Response(stream, { headers: { 'content-type': 'text/event-stream' } })
  })
  const base = { upstreamPort: mock.port, upstreamCaPath: mock.caPath }
  proxy = await startProxy(base)
  noInject = await startProxy({ ...base, env: { TOKENTAP_INJECT_STREAM_USAGE: '0' } })
  off = await startProxy({
    ...base,
    env: { TOKENTAP_ESTIMATE: '0', TOKENTAP_INJECT_STREAM_USAGE: '0' },
  })
  broken = await startProxy({
    ...base,
    env: { TOKENTAP_INJECT_STREAM_USAGE: '0' },
    estimator: createEstimator({
      spawn: () => {
        throw new Error('no worker')
      },
    }),
  })
}, 60_000)

afterAll(async () => {
  for (const c of open) {
    try {
      c.close()
    } catch {
      // already closed when the proxy dropped the upstream connection
    }
  }
  await Promise.all([proxy, noInject, off, broken].map((h) => h.stop()))
  await mock.stop()
})

function requestBody(user: string): string {
  return JSON.stringify({
    model: 'gpt-4o',
    stream: true,
    user,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Write a pangram, then something in Japanese.' },
    ],
  })
}

async function post(via: Harness, body: string, signal?: AbortSignal): Promise<Response> {
  return fetch('https://api.openai.com/v1/chat/completions', {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
    proxy: via.proxyUrl,
    tls: { ca: await Bun.file(via.caPath).text() },
    ...(signal ? { signal } : {}),
  })
}

/** The counts the estimate must have: the same encoder over the same texts. */
function expected(body: string) {
  const enc = encodingForModel(MODEL)
  return {
    inputTokens: countTokens(extractRequestText(body), enc),
    outputTokens: countTokens(WORDS.join(''), enc),
  }
}

describe('estimated records', () => {
  test('a stream aborted by the client before its usage chunk', async () => {
    const before = proxy.sink.records.length
    const body = requestBody('hang')
    const abort = new AbortController()
    const res = await post(proxy, body, abort.signal)
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    let got = ''
    const decoder = new TextDecoder()
    while (!got.includes(WORDS.at(-1)!)) {
      const { value, done } = await reader.read()
      if (done) break
      got += decoder.decode(value, { stream: true })
    }
    abort.abort()
    const rec = await proxy.sink.recordAfter(before)
    const want = expected(body)
    expect(want.inputTokens).toBeGreaterThan(10)
    expect(want.outputTokens).toBeGreaterThan(10)
    expect(rec).toMatchObject({
      outcome: 'aborted',
      model: MODEL,
      usageSource: 'estimated',
      ...want,
      cacheReadTokens: null,
      priceSource: 'genai-prices',
    })
    expect(rec.costUsd).toBeGreaterThan(0)
  }, 60_000)

  test('include_usage off: a complete stream without usage is estimated and flagged', async () => {
    const before = noInject.sink.records.length
    const body = requestBody('plain')
    const res = await post(noInject, body)
    expect(await res.text()).toContain('[DONE]')
    const rec = await noInject.sink.recordAfter(before)
    expect(rec).toMatchObject({ outcome: 'ok', usageSource: 'estimated', ...expected(body) })
    expect(rec.parseError).toBe(
      'stream without usage (the client did not ask for stream_options.include_usage; TOKENTAP_INJECT_STREAM_USAGE is off): tokens estimated',
    )
  }, 60_000)

  test('an upstream error without output is not estimated', async () => {
    const before = noInject.sink.records.length
    const res = await post(noInject, requestBody('error'))
    expect(res.status).toBe(429)
    await res.text()
    const rec = await noInject.sink.recordAfter(before)
    expect(rec).toMatchObject({ outcome: 'upstream_error', usageSource: 'none', inputTokens: null })
  }, 60_000)
})

describe('no estimate', () => {
  test('TOKENTAP_ESTIMATE=0: usage stays unknown', async () => {
    const before = off.sink.records.length
    await (await post(off, requestBody('plain'))).text()
    const rec = await off.sink.recordAfter(before)
    expect(rec).toMatchObject({ usageSource: 'none', inputTokens: null, parseError: null })
  }, 60_000)

  test('a broken estimator: the record is still written, unknown, saying why', async () => {
    const before = broken.sink.records.length
    await (await post(broken, requestBody('plain'))).text()
    const rec = await broken.sink.recordAfter(before)
    expect(rec).toMatchObject({ usageSource: 'none', inputTokens: null, outputTokens: null })
    expect(rec.parseError).toBe(
      'stream without usage (the client did not ask for stream_options.include_usage; TOKENTAP_INJECT_STREAM_USAGE is off); ' +
        'no estimate: estimator worker failed to start: no worker',
    )
  }, 60_000)
})
