// xAI: `stream_options` is in its OpenAPI (StreamOptions: "an additional chunk ... before the
// data: [DONE] message"): asked for when the client did not. Recorded streams (2026): chunks carry
// no `usage`, a usage-only chunk (`choices: []`) ends the stream. Usage: `completion_tokens`
// EXCLUDES `reasoning_tokens` (total = prompt + completion + reasoning), cached tokens are part of
// the prompt, and `cost_in_usd_ticks` is the exact charge (10^10 ticks per USD).

import { words } from '../chat-streams.ts'
import { chunk, type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'api.x.ai'
const PATH = '/v1/chat/completions'
const grok = { id: '53ae0d64-4f1a-b4e2-9517-9d20013a1c9c', model: 'grok-4-fast-reasoning' }
const fp = { system_fingerprint: 'fp_3d7ed3b779' }
const usage = {
  prompt_tokens: 165,
  completion_tokens: 2,
  total_tokens: 296,
  prompt_tokens_details: { text_tokens: 165, audio_tokens: 0, image_tokens: 0, cached_tokens: 164 },
  completion_tokens_details: {
    reasoning_tokens: 129,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
  num_sources_used: 0,
  cost_in_usd_ticks: 739000,
}
// Output = completion + reasoning (xAI leaves reasoning out of completion_tokens).
const buckets = {
  inputTokens: 1,
  outputTokens: 131,
  cacheReadTokens: 164,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 129,
}

/** xAI chunks carry no `choices[].finish_reason: null` nor `logprobs`. */
const xChunk = (delta: object, finish?: string) => {
  const c = chunk(grok, delta, fp) as { choices: object[] }
  return { ...c, choices: [{ index: 0, delta, ...(finish ? { finish_reason: finish } : {}) }] }
}

function stream(asked: boolean): string {
  return sse([
    xChunk({ content: words[0], role: 'assistant' }),
    ...words.slice(1).map((w) => xChunk({ content: w })),
    xChunk({}, 'stop'),
    ...(asked ? [{ ...xChunk({}), choices: [], usage }] : []),
    '[DONE]',
  ])
}

const injected: Fixture = {
  name: 'xAI SSE asked by the proxy: usage-only last chunk, reasoning outside completion_tokens',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('grok-4-fast'),
    responseBody: stream(true),
  },
  expected: record({
    provider: 'xai',
    model: grok.model,
    stream: true,
    responseId: grok.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const json: Fixture = {
  name: 'xAI JSON: cached and reasoning tokens, cost in USD ticks',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"grok-4-fast","messages":[{"role":"user","content":"hi"}]}',
    responseBody: JSON.stringify({
      id: grok.id,
      object: 'chat.completion',
      created: 1_773_345_550,
      model: grok.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Olá!', refusal: null },
          finish_reason: 'stop',
        },
      ],
      usage,
      ...fp,
    }),
  },
  expected: record({
    provider: 'xai',
    model: grok.model,
    responseId: grok.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

export const xaiCase: HostCase = {
  host: HOST,
  provider: 'xai',
  chatPath: PATH,
  asks: true,
  source: "xAI's OpenAPI (ChatRequest.stream_options, Usage.cost_in_usd_ticks); recorded streams",
  fixtures: [json, injected],
  strip: { asked: stream(true), unasked: stream(false) },
  // 739000 ticks / 10^10 ticks per USD.
  reportedCosts: [
    { fixture: json.name, usd: 0.0000739 },
    { fixture: injected.name, usd: 0.0000739 },
  ],
}
