// The real `openai` SDK through the proxy (child process, HTTPS_PROXY + NODE_EXTRA_CA_CERTS):
// chat completions and Responses, JSON and SSE, in the documented wire shapes. The SDK must parse
// them and the record must carry the mock's numbers, cached tokens split out of the input.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { clientJson, dataEvent, namedEvent, sseResponse } from './run-client.ts'

let mock: MockUpstream
let proxy: Harness

const CHAT_MODEL = 'gpt-4o-2024-08-06'
const RESP_MODEL = 'gpt-5-2025-08-07'

const CHAT_USAGE = {
  prompt_tokens: 1200,
  completion_tokens: 300,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 128,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
}

const COMPLETION = {
  id: 'chatcmpl-sdk-json',
  object: 'chat.completion',
  created: 1_760_000_000,
  model: CHAT_MODEL,
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'Hello from the mock!', refusal: null },
      logprobs: null,
      finish_reason: 'stop',
    },
  ],
  usage: CHAT_USAGE,
  service_tier: 'default',
  system_fingerprint: 'fp_sdk',
}

const STREAM_USAGE = {
  ...CHAT_USAGE,
  prompt_tokens: 900,
  completion_tokens: 40,
  total_tokens: 940,
  prompt_tokens_details: { cached_tokens: 512, audio_tokens: 0 },
  completion_tokens_details: { ...CHAT_USAGE.completion_tokens_details, reasoning_tokens: 0 },
}

const chunk = (choices: object[], usage: object | null) => ({
  id: 'chatcmpl-sdk-stream',
  object: 'chat.completion.chunk',
  created: 1_760_000_000,
  model: CHAT_MODEL,
  system_fingerprint: 'fp_sdk',
  choices,
  usage,
})
const delta = (d: object, finish: string | null = null) => ({
  index: 0,
  delta: d,
  logprobs: null,
  finish_reason: finish,
})

// With include_usage every chunk has `usage: null` and a last chunk with `choices: []` has it.
const CHAT_STREAM = [
  dataEvent(chunk([delta({ role: 'assistant', content: '' })], null)),
  dataEvent(chunk([delta({ content: 'Hel' })], null)),
  dataEvent(chunk([delta({ content: 'lo ☕' })], null)),
  dataEvent(chunk([delta({}, 'stop')], null)),
  dataEvent(chunk([], STREAM_USAGE)),
  dataEvent('[DONE]'),
].join('')

const RESP_USAGE = {
  input_tokens: 18_432,
  input_tokens_details: { cached_tokens: 16_384 },
  output_tokens: 1_250,
  output_tokens_details: { reasoning_tokens: 1_024 },
  total_tokens: 19_682,
}

const response = (id: string, status: string, text: string, usage: object | null) => ({
  id,
  object: 'response',
  created_at: 1_760_000_000,
  status,
  error: null,
  incomplete_details: null,
  instructions: null,
  model: RESP_MODEL,
  output:
    status === 'completed'
      ? [
          {
            id: 'rs_1',
            type: 'reasoning',
            summary: [],
          },
          {
            id: 'msg_1',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text, annotations: [] }],
          },
        ]
      : [],
  parallel_tool_calls: true,
  tool_choice: 'auto',
  tools: [],
  store: true,
  usage,
})

const RESPONSE = response('resp_sdk_json', 'completed', 'Hello from Responses!', RESP_USAGE)

const RESP_STREAM_USAGE = {
  input_tokens: 5000,
  input_tokens_details: { cached_tokens: 4096 },
  output_tokens: 700,
  output_tokens_details: { reasoning_tokens: 512 },
  total_tokens: 5700,
}

let seq = 0
const respEvent = (type: string, body: object): string =>
  namedEvent(type, { type, sequence_number: seq++, ...body })
const msgItem = {
  id: 'msg_1',
  type: 'message',
  status: 'in_progress',
  role: 'assistant',
  content: [],
}
const RESP_STREAM = [
  respEvent('response.created', { response: response('resp_sdk_sse', 'in_progress', '', null) }),
  respEvent('response.in_progress', {
    response: response('resp_sdk_sse', 'in_progress', '', null),
  }),
  respEvent('response.output_item.added', { output_index: 0, item: msgItem }),
  respEvent('response.content_part.added', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    part: { type: 'output_text', text: '', annotations: [] },
  }),
  ...['Bon', 'jour ', '日本'].map((d) =>
    respEvent('response.output_text.delta', {
      item_id: 'msg_1',
      output_index: 0,
      content_index: 0,
      delta: d,
      logprobs: [],
    }),
  ),
  respEvent('response.output_text.done', {
    item_id: 'msg_1',
    output_index: 0,
    content_index: 0,
    text: 'Bonjour 日本',
    logprobs: [],
  }),
  respEvent('response.completed', {
    response: response('resp_sdk_sse', 'completed', 'Bonjour 日本', RESP_STREAM_USAGE),
  }),
].join('')

beforeAll(async () => {
  mock = await startMockUpstream()
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  mock.on('api.openai.com', 'POST /v1/chat/completions', async (req) => {
    const body = (await req.json()) as { stream?: boolean }
    return body.stream ? sseResponse(CHAT_STREAM) : Response.json(COMPLETION)
  })
  mock.on('api.openai.com', 'POST /v1/responses', async (req) => {
    const body = (await req.json()) as { stream?: boolean }
    return body.stream ? sseResponse(RESP_STREAM) : Response.json(RESPONSE)
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

describe('openai SDK through the proxy', () => {
  test('chat.completions.create: cached and reasoning tokens normalised', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<typeof COMPLETION>('openai', 'chat-json', proxy)
    expect(out).toEqual(COMPLETION)
    const seen = mock.seen.at(-1)!
    expect(seen.headers.get('authorization')).toBe('Bearer sk-test')
    expect(seen.headers.get('user-agent')).toMatch(/^OpenAI\/JS \d+\.\d+\.\d+/)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'openai',
      host: 'api.openai.com',
      path: '/v1/chat/completions',
      endpoint: 'chat.completions',
      model: CHAT_MODEL,
      stream: false,
      outcome: 'ok',
      inputTokens: 1200 - 1024,
      outputTokens: 300,
      cacheReadTokens: 1024,
      reasoningTokens: 128,
      usageSource: 'provider',
      responseId: COMPLETION.id,
      program: 'openai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })

  test('chat stream with include_usage: final usage-only chunk recorded', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ texts: string[]; usage: unknown }>(
      'openai',
      'chat-stream',
      proxy,
    )
    expect(out.texts.join('')).toBe('Hello ☕')
    expect(out.usage).toEqual(STREAM_USAGE)
    expect(JSON.parse(mock.seen.at(-1)!.body)).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    })
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      endpoint: 'chat.completions',
      model: CHAT_MODEL,
      stream: true,
      outcome: 'ok',
      inputTokens: 900 - 512,
      outputTokens: 40,
      cacheReadTokens: 512,
      usageSource: 'provider',
      responseId: 'chatcmpl-sdk-stream',
      program: 'openai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })

  test('responses.create: output_text parsed, cached and reasoning tokens recorded', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ outputText: string; response: typeof RESPONSE }>(
      'openai',
      'responses-json',
      proxy,
    )
    expect(out.outputText).toBe('Hello from Responses!')
    expect(out.response.usage).toEqual(RESP_USAGE)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'openai',
      path: '/v1/responses',
      model: RESP_MODEL,
      stream: false,
      outcome: 'ok',
      inputTokens: 18_432 - 16_384,
      outputTokens: 1_250,
      cacheReadTokens: 16_384,
      reasoningTokens: 1_024,
      usageSource: 'provider',
      responseId: 'resp_sdk_json',
      program: 'openai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })

  test('responses stream: deltas reach the SDK, usage from response.completed', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ texts: string[]; completed: { usage: unknown } }>(
      'openai',
      'responses-stream',
      proxy,
    )
    expect(out.texts).toEqual(['Bon', 'jour ', '日本'])
    expect(out.completed.usage).toEqual(RESP_STREAM_USAGE)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      path: '/v1/responses',
      model: RESP_MODEL,
      stream: true,
      outcome: 'ok',
      inputTokens: 5000 - 4096,
      outputTokens: 700,
      cacheReadTokens: 4096,
      reasoningTokens: 512,
      usageSource: 'provider',
      responseId: 'resp_sdk_sse',
      program: 'openai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })
})
