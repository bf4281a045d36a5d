// Groq: every stream reports usage unasked, in `x_groq.usage` on the finish chunk (with Groq's
// timings); a client that asks for include_usage also gets it as top-level `usage` on that chunk
// and a usage-only chunk with `service_tier` (both recorded from api.groq.com). Never asked. JSON
// bodies carry `usage` (+ `x_groq.id`), `prompt_tokens_details.cached_tokens` when cached.

import { words } from '../chat-streams.ts'
import { chunk, type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'api.groq.com'
const PATH = '/openai/v1/chat/completions'
const groq = {
  id: 'chatcmpl-f07b368c-ae72-4555-9465-ae09fe4614e6',
  model: 'moonshotai/kimi-k2-instruct-0905',
}
const fp = { system_fingerprint: 'fp_00c37775b7' }
const usage = {
  queue_time: 0.193227832,
  prompt_tokens: 2048,
  prompt_time: 0.010710679,
  completion_tokens: 4,
  completion_time: 0.009030045,
  total_tokens: 2052,
  total_time: 0.019740724,
  prompt_tokens_details: { cached_tokens: 1536 },
}
const buckets = {
  inputTokens: 512,
  outputTokens: 4,
  cacheReadTokens: 1536,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
}
const expected = (stream: boolean, serviceTier: string | null = null) =>
  record({
    provider: 'groq',
    model: groq.model,
    stream,
    responseId: groq.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
    // The body's `service_tier` where Groq sends one (its standard tier: priced ×1).
    serviceTier,
  })

const opening = chunk(
  groq,
  { role: 'assistant', content: '' },
  { ...fp, x_groq: { id: 'req_01kkht58hmfqdt7taat7yqmh20', seed: 2139001717 } },
)
const deltas = words.map((w) => chunk(groq, { content: w }, fp))
const xGroq = { id: 'req_01kkht58hmfqdt7taat7yqmh20', usage }

const unasked: Fixture = {
  name: 'Groq SSE, unasked: x_groq.usage on the finish chunk',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('moonshotai/kimi-k2-instruct-0905'),
    responseBody: sse([
      opening,
      ...deltas,
      chunk(groq, {}, { ...fp, x_groq: xGroq }, 'stop'),
      '[DONE]',
    ]),
  },
  expected: expected(true),
}

const asked: Fixture = {
  name: 'Groq SSE, asked by the client: usage thrice (x_groq, finish chunk, usage-only chunk), once',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: JSON.stringify({
      model: groq.model,
      stream: true,
      stream_options: { include_usage: true },
      messages: [],
    }),
    responseBody: sse([
      opening,
      ...deltas,
      chunk(groq, {}, { ...fp, x_groq: xGroq, usage }, 'stop'),
      { ...chunk(groq, {}, fp), choices: [], usage, service_tier: 'on_demand' },
      '[DONE]',
    ]),
  },
  expected: expected(true, 'on_demand'),
}

const json: Fixture = {
  name: 'Groq JSON: usage with timings and cached tokens, x_groq id',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"moonshotai/kimi-k2-instruct-0905","messages":[]}',
    responseBody: JSON.stringify({
      id: groq.id,
      object: 'chat.completion',
      created: 1_773_345_612,
      model: groq.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Olá!' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
      usage_breakdown: null,
      ...fp,
      x_groq: { id: 'req_01kkht58hmfqdt7taat7yqmh20', seed: 2139001717 },
      service_tier: 'on_demand',
    }),
  },
  expected: expected(false, 'on_demand'),
}

export const groqCase: HostCase = {
  host: HOST,
  provider: 'groq',
  chatPath: PATH,
  asks: false,
  source: 'groq-typescript ChatCompletionChunk.x_groq.usage; recorded api.groq.com streams',
  fixtures: [json, unasked, asked],
}
