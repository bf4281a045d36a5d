// OpenRouter: usage (with the USD `cost` charged, cached and cache-write tokens) comes in the last
// SSE message of every stream and in every JSON body, unasked; `usage: {include: true}` and
// `stream_options.include_usage` are deprecated and "have no effect" (usage-accounting docs).
// Streams open with `: OPENROUTER PROCESSING` comments; the usage rides on a repeat of the finish
// chunk (as recorded in 2026) and `provider` names the upstream.

import { words } from '../chat-streams.ts'
import { chunk, type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'openrouter.ai'
const PATH = '/api/v1/chat/completions'
const or = { id: 'gen-1777319809-KRozO9hOQbdWkZAi8Zj7', model: 'anthropic/claude-sonnet-4.5' }
const extra = { provider: 'Anthropic' }
const usage = {
  prompt_tokens: 5019,
  completion_tokens: 7,
  total_tokens: 5026,
  cost: 0.00217755,
  is_byok: false,
  prompt_tokens_details: {
    cached_tokens: 4000,
    cache_write_tokens: 1000,
    audio_tokens: 0,
    video_tokens: 0,
  },
  cost_details: {
    upstream_inference_cost: 0.00217755,
    upstream_inference_prompt_cost: 0.00207255,
    upstream_inference_completions_cost: 0.000105,
  },
  completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0, audio_tokens: 0 },
}
const buckets = {
  inputTokens: 19,
  outputTokens: 7,
  cacheReadTokens: 4000,
  cacheWrite5mTokens: 1000,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
}
const finish = { role: 'assistant', content: '' }
const done = { ...extra, native_finish_reason: 'end_turn' }

const streamed: Fixture = {
  name: 'OpenRouter SSE, unasked: processing comments, usage and cost on the repeated finish chunk',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('anthropic/claude-sonnet-4.5'),
    responseBody: `: OPENROUTER PROCESSING\n\n: OPENROUTER PROCESSING\n\n${sse([
      ...words.map((w) => chunk(or, { role: 'assistant', content: w }, extra)),
      chunk(or, finish, done, 'stop'),
      chunk(or, finish, { ...done, usage }, 'stop'),
      '[DONE]',
    ])}`,
  },
  expected: record({
    provider: 'openrouter',
    model: or.model,
    stream: true,
    responseId: or.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const byokUsage = {
  prompt_tokens: 194,
  completion_tokens: 2,
  total_tokens: 196,
  cost: 0.0000097,
  is_byok: true,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  cost_details: { upstream_inference_cost: 0.000194 },
  completion_tokens_details: { reasoning_tokens: 0 },
}

const byok: Fixture = {
  name: 'OpenRouter JSON, BYOK: the fee in `cost`, the upstream bill in upstream_inference_cost',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}',
    responseBody: JSON.stringify({
      id: 'gen-1777319900-ByOkByOkByOkByOkByOk',
      provider: 'OpenAI',
      model: 'openai/gpt-4o',
      object: 'chat.completion',
      created: 1_777_319_900,
      choices: [
        {
          logprobs: null,
          finish_reason: 'stop',
          native_finish_reason: 'stop',
          index: 0,
          message: { role: 'assistant', content: 'Hi!', refusal: null, reasoning: null },
        },
      ],
      usage: byokUsage,
    }),
  },
  expected: record({
    provider: 'openrouter',
    model: 'openai/gpt-4o',
    responseId: 'gen-1777319900-ByOkByOkByOkByOkByOk',
    usageSource: 'provider',
    rawUsage: byokUsage,
    inputTokens: 194,
    outputTokens: 2,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
  }),
}

export const openrouterCase: HostCase = {
  host: HOST,
  provider: 'openrouter',
  chatPath: PATH,
  asks: false,
  source: 'openrouter.ai/docs usage accounting: always in the last SSE message',
  fixtures: [streamed, byok],
  reportedCosts: [
    { fixture: streamed.name, usd: 0.00217755 },
    // BYOK: OpenRouter's fee plus what the upstream billed the user's own key.
    { fixture: byok.name, usd: 0.0000097 + 0.000194 },
  ],
}
