// The Chat Completions and Responses HTTP dialects replayed over every fixture at every chunk
// boundary, plus endpoint classification and the usage normalisation rules.

import { describe, expect, test } from 'bun:test'
import { firstMismatch, replayRuns, runExchange, toBytes } from '../testing/replay.ts'
import { openaiChatDialect } from './chat.ts'
import { openaiDialect } from './index.ts'
import { classifyOpenAIPath } from './paths.ts'
import { openaiResponsesDialect } from './responses.ts'
import { chatJsonFixtures } from './testing/chat-json.ts'
import { chatStreamFixtures } from './testing/chat-streams.ts'
import type { Fixture } from './testing/common.ts'
import { compatStreamFixtures } from './testing/compat-streams.ts'
import { responsesFixtures } from './testing/responses.ts'
import { normalizeChatUsage, normalizeResponsesUsage } from './usage.ts'

function replay(fixture: Fixture, responses: boolean): void {
  const provider = fixture.expected.provider
  const dialect = responses ? openaiResponsesDialect(provider) : openaiChatDialect(provider)
  const runs = replayRuns(dialect, fixture.meta, fixture.exchange)
  expect(runs.length).toBeGreaterThan(2)
  expect(runs[0]?.usage).toEqual(fixture.expected)
  const bad = firstMismatch(runs, fixture.expected)
  if (bad) expect(bad).toEqual({ label: bad.label, usage: fixture.expected })
}

describe('chat completions fixtures, every chunking', () => {
  for (const fixture of [...chatJsonFixtures, ...chatStreamFixtures, ...compatStreamFixtures]) {
    test(fixture.name, () => replay(fixture, false))
  }
})

describe('responses fixtures, every chunking', () => {
  for (const fixture of responsesFixtures) test(fixture.name, () => replay(fixture, true))
})

test('the combined dialect picks the parser by path', () => {
  for (const fixture of [...chatStreamFixtures.slice(0, 2), ...responsesFixtures.slice(0, 2)]) {
    const { exchange } = fixture
    const chunks = [toBytes(exchange.requestBody)]
    const usage = runExchange(
      openaiDialect(fixture.expected.provider),
      fixture.meta,
      exchange,
      chunks,
      [toBytes(exchange.responseBody)],
    )
    expect(usage).toEqual(fixture.expected)
  }
})

test('endpoints', () => {
  expect(classifyOpenAIPath('/v1/chat/completions')).toEqual({
    kind: 'chat',
    endpoint: 'chat.completions',
    billable: true,
    deployment: null,
  })
  expect(
    classifyOpenAIPath('/openai/deployments/my%20gpt/chat/completions?api-version=2024-10-21'),
  ).toMatchObject({ kind: 'chat', deployment: 'my gpt' })
  expect(classifyOpenAIPath('/chat/completions/').kind).toBe('chat')
  expect(classifyOpenAIPath('/api/v1/chat/completions').kind).toBe('chat')
  expect(classifyOpenAIPath('/v1/completions').endpoint).toBe('completions')
  expect(classifyOpenAIPath('/openai/deployments/emb/embeddings?api-version=1').kind).toBe(
    'embeddings',
  )
  expect(classifyOpenAIPath('/backend-api/codex/responses').kind).toBe('responses')
  expect(classifyOpenAIPath('/backend-api/codex/responses/compact').kind).toBe('responses.compact')
  expect(classifyOpenAIPath('/v1/responses/resp_123').kind).toBe('other')
  expect(classifyOpenAIPath('/v1/models')).toEqual({
    kind: 'other',
    endpoint: '/v1/models',
    billable: false,
    deployment: null,
  })
})

describe('normalisation', () => {
  test('OpenAI: reasoning is inside completion_tokens (total = prompt + completion)', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 150,
      completion_tokens_details: { reasoning_tokens: 40 },
    }
    expect(normalizeChatUsage(usage)).toMatchObject({ outputTokens: 50, reasoningTokens: 40 })
  })

  test('xAI: reasoning outside completion_tokens is added once', () => {
    const usage = {
      prompt_tokens: 100,
      completion_tokens: 10,
      total_tokens: 150,
      completion_tokens_details: { reasoning_tokens: 40 },
    }
    expect(normalizeChatUsage(usage)).toMatchObject({ outputTokens: 50, reasoningTokens: 40 })
    expect(
      normalizeResponsesUsage({
        input_tokens: 100,
        output_tokens: 10,
        total_tokens: 150,
        output_tokens_details: { reasoning_tokens: 40 },
      }),
    ).toMatchObject({ outputTokens: 50, reasoningTokens: 40 })
  })

  test('cached never exceeds prompt; missing counts stay unknown', () => {
    expect(
      normalizeChatUsage({ prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 30 } }),
    ).toMatchObject({ inputTokens: 0, cacheReadTokens: 30, outputTokens: null })
    expect(normalizeChatUsage({})).toMatchObject({ inputTokens: null, outputTokens: null })
  })
})

describe('bounds', () => {
  const pieces = (text: string, size = 1 << 16): Uint8Array[] => {
    const bytes = toBytes(text)
    const out: Uint8Array[] = []
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
    return out
  }
  const json = { 'content-type': 'application/json' }

  test('a chat JSON response over 4 MiB: id and model from the head, usage from the tail', () => {
    const body = `{"id":"chatcmpl-big","object":"chat.completion","model":"gpt-4.1-2025-04-14","choices":[{"index":0,"message":{"role":"assistant","content":"${'é'.repeat(3 << 20)}","tool_calls":[{"function":{"arguments":"{\\"usage\\":{\\"prompt_tokens\\":1}}"}}]}}],"usage":{"prompt_tokens":70,"completion_tokens":9,"total_tokens":79,"prompt_tokens_details":{"cached_tokens":64}}}`
    const usage = runExchange(
      openaiChatDialect('openai'),
      { host: 'api.openai.com', method: 'POST', path: '/v1/chat/completions', requestHeaders: {} },
      { status: 200, headers: json },
      [toBytes('{"model":"gpt-4.1"}')],
      pieces(body),
    )
    expect(usage).toMatchObject({
      model: 'gpt-4.1-2025-04-14',
      responseId: 'chatcmpl-big',
      usageSource: 'provider',
      inputTokens: 6,
      cacheReadTokens: 64,
      outputTokens: 9,
      parseError: null,
    })
  })

  test('an embeddings list over 4 MiB: model after the data, from the tail', () => {
    const vector = Array.from({ length: 1536 }, (_, i) => (i % 7) / 1000 - 0.003).join(',')
    const data = Array.from(
      { length: 600 },
      (_, i) => `{"object":"embedding","index":${i},"embedding":[${vector}]}`,
    )
    const body = `{"object":"list","data":[${data.join(',')}],"model":"text-embedding-3-large","usage":{"prompt_tokens":4200,"total_tokens":4200}}`
    expect(body.length).toBeGreaterThan(4 << 20)
    const usage = runExchange(
      openaiChatDialect('openai'),
      { host: 'api.openai.com', method: 'POST', path: '/v1/embeddings', requestHeaders: {} },
      { status: 200, headers: json },
      [toBytes('{"input":["a"]}')],
      pieces(body),
    )
    expect(usage).toMatchObject({
      model: 'text-embedding-3-large',
      inputTokens: 4200,
      outputTokens: 0,
    })
  })

  test('a response.completed event over the default SSE line cap is still read', () => {
    const output = `[{"type":"message","content":[{"type":"output_text","text":"${'x'.repeat(2 << 20)}"}]}]`
    const stream = `event: response.created\ndata: {"type":"response.created","response":{"id":"resp_big","model":"gpt-5","usage":null}}\n\nevent: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_big","model":"gpt-5","output":${output},"usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7}}}\n\n`
    const usage = runExchange(
      openaiResponsesDialect('openai'),
      { host: 'api.openai.com', method: 'POST', path: '/v1/responses', requestHeaders: {} },
      { status: 200, headers: { 'content-type': 'text/event-stream' } },
      [toBytes('{"stream":true}')],
      pieces(stream),
    )
    expect(usage).toMatchObject({
      responseId: 'resp_big',
      usageSource: 'provider',
      inputTokens: 3,
      outputTokens: 4,
    })
  })
})
