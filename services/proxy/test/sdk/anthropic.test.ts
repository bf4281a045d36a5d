// The real @anthropic-ai/sdk through the proxy (child process, HTTPS_PROXY + NODE_EXTRA_CA_CERTS):
// the SDK parses the mock's documented wire shapes and the record carries the mock's numbers.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { clientJson, namedEvent, sseResponse } from './run-client.ts'

let mock: MockUpstream
let proxy: Harness

const MODEL = 'claude-sonnet-4-5-20250929'

const MESSAGE = {
  id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
  type: 'message',
  role: 'assistant',
  model: MODEL,
  content: [{ type: 'text', text: 'Hello from the mock!' }],
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: {
    input_tokens: 12,
    cache_creation_input_tokens: 3000,
    cache_read_input_tokens: 400,
    cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
    output_tokens: 6,
    service_tier: 'standard',
  },
}

const STREAM_USAGE = {
  input_tokens: 25,
  cache_creation_input_tokens: 1500,
  cache_read_input_tokens: 20000,
  cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 },
}

// message_start carries the input side (output 1); message_delta's usage is cumulative.
const STREAM = [
  namedEvent('message_start', {
    type: 'message_start',
    message: {
      ...MESSAGE,
      id: 'msg_stream_01',
      content: [],
      stop_reason: null,
      usage: { ...STREAM_USAGE, output_tokens: 1 },
    },
  }),
  namedEvent('content_block_start', {
    type: 'content_block_start',
    index: 0,
    content_block: { type: 'text', text: '' },
  }),
  namedEvent('ping', { type: 'ping' }),
  namedEvent('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: 'Hello' },
  }),
  namedEvent('content_block_delta', {
    type: 'content_block_delta',
    index: 0,
    delta: { type: 'text_delta', text: ' stream!' },
  }),
  namedEvent('content_block_stop', { type: 'content_block_stop', index: 0 }),
  namedEvent('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: 'end_turn', stop_sequence: null },
    usage: { ...STREAM_USAGE, output_tokens: 42 },
  }),
  namedEvent('message_stop', { type: 'message_stop' }),
].join('')

beforeAll(async () => {
  mock = await startMockUpstream()
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  mock.on('api.anthropic.com', 'POST /v1/messages', async (req) => {
    const body = (await req.json()) as { stream?: boolean }
    return body.stream ? sseResponse(STREAM) : Response.json(MESSAGE)
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

describe('@anthropic-ai/sdk through the proxy', () => {
  test('messages.create: SDK gets the message, record has the exact usage', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<typeof MESSAGE>('anthropic', 'json', proxy)
    expect(out).toEqual(MESSAGE)
    const seen = mock.seen.at(-1)!
    // SDK 1.x sends the key as `authorization: Bearer …` (0.x used x-api-key); accept either.
    const auth = seen.headers.get('x-api-key') ?? seen.headers.get('authorization')
    expect(auth).toContain('sk-ant-test')
    expect(seen.headers.get('user-agent')).toMatch(/^Anthropic\/JS \d+\.\d+\.\d+/)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'anthropic',
      host: 'api.anthropic.com',
      path: '/v1/messages',
      endpoint: 'messages',
      model: MODEL,
      stream: false,
      status: 200,
      outcome: 'ok',
      inputTokens: 12,
      outputTokens: 6,
      cacheReadTokens: 400,
      cacheWrite5mTokens: 1000,
      cacheWrite1hTokens: 2000,
      usageSource: 'provider',
      responseId: MESSAGE.id,
      program: 'anthropic-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
    expect(rec.costUsd!).toBeGreaterThan(0)
  })

  test('messages.stream: SDK assembles the text, record has the final cumulative usage', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ texts: string[]; final: typeof MESSAGE }>(
      'anthropic',
      'stream',
      proxy,
    )
    expect(out.texts).toEqual(['Hello', ' stream!'])
    expect(out.final.content).toEqual([{ type: 'text', text: 'Hello stream!' }])
    expect(out.final.usage.output_tokens).toBe(42)
    expect(out.final.stop_reason).toBe('end_turn')
    expect(JSON.parse(mock.seen.at(-1)!.body)).toMatchObject({ stream: true })
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'anthropic',
      model: MODEL,
      stream: true,
      outcome: 'ok',
      inputTokens: 25,
      outputTokens: 42,
      cacheReadTokens: 20000,
      cacheWrite5mTokens: 500,
      cacheWrite1hTokens: 1000,
      usageSource: 'provider',
      responseId: 'msg_stream_01',
      program: 'anthropic-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })
})
