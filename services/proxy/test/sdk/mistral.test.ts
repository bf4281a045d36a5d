// The real `@mistralai/mistralai` SDK through the proxy (child process, HTTPS_PROXY +
// NODE_EXTRA_CA_CERTS), against a loopback api.mistral.ai that behaves like the real one: a request
// carrying a field its schema lacks (`stream_options`) is refused with 422, and a stream reports
// usage unasked on its finish chunk. The proxy used to add stream_options.include_usage to every
// OpenAI-compatible stream: the SDK failed, and the failed call was recorded billable with
// stream: false (issue 14). Now Mistral's requests go as sent and the usage is read where
// Mistral puts it; a refused request (here forced by a TOKENTAP_PROVIDERS entry that opts
// api.mistral.ai in) is recorded as not billable, with the stream the request asked for.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { MISTRAL_EXTRA_FIELD_422 } from '../../src/providers/openai/testing/hosts/index.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { clientJson, dataEvent, runClient, sseResponse } from './run-client.ts'

let mock: MockUpstream
let proxy: Harness
let forcing: Harness

const HOST = 'api.mistral.ai'
const STREAM_MODEL = 'mistral-large-latest'
const STREAM_ID = 'f798ebd5c41a45d88bb079635121cade'

const STREAM_USAGE = {
  prompt_tokens: 1034,
  total_tokens: 1134,
  completion_tokens: 100,
  prompt_tokens_details: { cached_tokens: 960 },
}
const streamChunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: STREAM_ID,
  object: 'chat.completion.chunk',
  created: 1_732_548_656,
  model: STREAM_MODEL,
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
})
// As api.mistral.ai streams: no `usage` until the finish chunk, which carries it.
const STREAM = [
  dataEvent(streamChunk({ role: 'assistant', content: '' })),
  dataEvent(streamChunk({ content: 'Bonjour' })),
  dataEvent(streamChunk({ content: ' ☕ 日本' })),
  dataEvent(streamChunk({ content: '' }, 'stop', { usage: STREAM_USAGE })),
  dataEvent('[DONE]'),
].join('')

const JSON_USAGE = { prompt_tokens: 16, completion_tokens: 34, total_tokens: 50 }
const COMPLETION = {
  id: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
  object: 'chat.completion',
  model: 'mistral-small-latest',
  usage: JSON_USAGE,
  created: 1_702_256_327,
  choices: [
    {
      index: 0,
      message: { content: 'Bonjour !', tool_calls: null, prefix: false, role: 'assistant' },
      finish_reason: 'stop',
    },
  ],
}

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on(HOST, 'POST /v1/chat/completions', async (req) => {
    const body = (await req.json()) as Record<string, unknown>
    // Mistral's request schema forbids fields it does not define.
    if ('stream_options' in body) {
      return new Response(MISTRAL_EXTRA_FIELD_422, {
        status: 422,
        headers: { 'content-type': 'application/json' },
      })
    }
    return body.stream === true ? sseResponse(STREAM) : Response.json(COMPLETION)
  })
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  // A TOKENTAP_PROVIDERS entry that (wrongly) opts api.mistral.ai in to include_usage: the proxy
  // then sends the field as it used to for every host, and Mistral refuses it.
  const providers = join(proxy.home, 'providers.json')
  writeFileSync(
    providers,
    JSON.stringify({
      providers: [
        { name: 'mistral', hosts: [HOST], dialect: 'openai-chat', streamUsage: 'inject' },
      ],
    }),
  )
  forcing = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { TOKENTAP_PROVIDERS: providers },
  })
})

afterAll(async () => {
  await forcing.stop()
  await proxy.stop()
  await mock.stop()
})

describe('@mistralai/mistralai SDK through the proxy', () => {
  test('chat.stream works: sent as the SDK wrote it, usage read from the finish chunk', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ texts: string[]; usage: Record<string, unknown> }>(
      'mistral',
      'chat-stream',
      proxy,
    )
    expect(out.texts.join('')).toBe('Bonjour ☕ 日本')
    expect(out.usage).toMatchObject({ promptTokens: 1034, completionTokens: 100 })
    const sent = mock.seen.at(-1)!
    expect(sent.headers.get('user-agent')).toBe('mistral-client-typescript/2.7.0')
    expect(JSON.parse(sent.body)).toMatchObject({ model: STREAM_MODEL, stream: true })
    expect(JSON.parse(sent.body)).not.toHaveProperty('stream_options')
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'mistral',
      host: HOST,
      path: '/v1/chat/completions',
      endpoint: 'chat.completions',
      model: STREAM_MODEL,
      stream: true,
      status: 200,
      outcome: 'ok',
      billable: true,
      usageSource: 'provider',
      responseId: STREAM_ID,
      inputTokens: 1034 - 960,
      cacheReadTokens: 960,
      outputTokens: 100,
      rawUsage: STREAM_USAGE,
      parseError: null,
    })
  })

  test('chat.complete: JSON usage recorded, not a stream', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ choices: { message: { content: string } }[] }>(
      'mistral',
      'chat-json',
      proxy,
    )
    expect(out.choices[0]?.message.content).toBe('Bonjour !')
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'mistral',
      model: 'mistral-small-latest',
      stream: false,
      billable: true,
      usageSource: 'provider',
      inputTokens: 16,
      outputTokens: 34,
      cacheReadTokens: 0,
    })
  })

  test('a refused stream (422 for stream_options) is not billable, and was a stream', async () => {
    const before = forcing.sink.records.length
    const run = await runClient('mistral', 'chat-stream', forcing)
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stderr.trim().split('\n').at(-1)!)).toMatchObject({ statusCode: 422 })
    expect(JSON.parse(mock.seen.at(-1)!.body).stream_options).toEqual({ include_usage: true })
    const rec = await forcing.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'mistral',
      model: STREAM_MODEL,
      stream: true,
      status: 422,
      billable: false,
      usageSource: 'none',
      inputTokens: null,
      outputTokens: null,
    })
    expect(rec.costUsd).toBe(0)
  })
})
