// Mistral: its chat request schema has no `stream_options` (@mistralai/mistralai
// ChatCompletionStreamRequest) and api.mistral.ai answers 422 when sent one; every stream reports
// usage unasked on the finish chunk, with no `"usage": null` elsewhere (recorded stream).
// `prompt_tokens_details.cached_tokens` (prompt caching) is part of prompt_tokens. Never asked.

import { words } from '../chat-streams.ts'
import { type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'api.mistral.ai'
const PATH = '/v1/chat/completions'
const mi = { id: 'f798ebd5c41a45d88bb079635121cade', model: 'mistral-large-latest' }
const usage = {
  prompt_tokens: 1034,
  total_tokens: 1134,
  completion_tokens: 100,
  prompt_tokens_details: { cached_tokens: 960 },
}
const buckets = {
  inputTokens: 74,
  outputTokens: 100,
  cacheReadTokens: 960,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
}
const miChunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: mi.id,
  object: 'chat.completion.chunk',
  created: 1_732_548_656,
  model: mi.model,
  choices: [{ index: 0, delta, finish_reason: finish }],
  ...extra,
})

/** The 422 api.mistral.ai gives a request with a field its schema does not have. */
export const MISTRAL_EXTRA_FIELD_422 = JSON.stringify({
  object: 'error',
  message: {
    detail: [
      {
        type: 'extra_forbidden',
        loc: ['body', 'stream_options'],
        msg: 'Extra inputs are not permitted',
        input: { include_usage: true },
      },
    ],
  },
  type: 'invalid_request_error',
  param: null,
  code: null,
})

const streamed: Fixture = {
  name: 'Mistral SSE, unasked: usage on the finish chunk (cut by max_tokens), cached tokens',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('mistral-large-latest'),
    responseBody: sse([
      miChunk({ role: 'assistant', content: '' }),
      ...words.slice(0, -1).map((w) => miChunk({ content: w })),
      miChunk({ content: words.at(-1) }, 'length', { usage }),
      '[DONE]',
    ]),
  },
  expected: record({
    provider: 'mistral',
    model: mi.model,
    stream: true,
    responseId: mi.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const refused: Fixture = {
  name: 'Mistral answers 422 to a streamed request: stream from the request, not billable',
  meta: meta(HOST, PATH),
  exchange: {
    status: 422,
    headers: JSON_HEADERS,
    requestBody: JSON.stringify({
      model: 'mistral-large-latest',
      stream: true,
      stream_options: { include_usage: true },
      messages: [],
    }),
    responseBody: MISTRAL_EXTRA_FIELD_422,
  },
  expected: record({
    provider: 'mistral',
    model: 'mistral-large-latest',
    stream: true,
    billable: false,
  }),
}

const plainUsage = { prompt_tokens: 16, completion_tokens: 34, total_tokens: 50 }

const json: Fixture = {
  name: 'Mistral JSON: plain usage',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"mistral-small-latest","messages":[{"role":"user","content":"hi"}]}',
    responseBody: JSON.stringify({
      id: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
      object: 'chat.completion',
      model: 'mistral-small-latest',
      usage: plainUsage,
      created: 1_702_256_327,
      choices: [
        {
          index: 0,
          message: { content: 'Bonjour !', tool_calls: null, prefix: false, role: 'assistant' },
          finish_reason: 'stop',
        },
      ],
    }),
  },
  expected: record({
    provider: 'mistral',
    model: 'mistral-small-latest',
    responseId: 'cmpl-e5cc70bb28c444948073e77776eb30ef',
    usageSource: 'provider',
    rawUsage: plainUsage,
    inputTokens: 16,
    outputTokens: 34,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
  }),
}

export const mistralCase: HostCase = {
  host: HOST,
  provider: 'mistral',
  chatPath: PATH,
  asks: false,
  source: '@mistralai/mistralai ChatCompletionStreamRequest / CompletionChunk.usage',
  fixtures: [json, streamed, refused],
}
