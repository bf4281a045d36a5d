// Azure OpenAI: OpenAI's shapes plus content-filter annotations (`prompt_filter_results` on an
// id-less first chunk, `content_filter_results` per choice), the model named by the deployment
// path and answered in the body. `stream_options` is in the request schema from api-version
// 2024-09-01-preview (GA 2024-10-21); asked, every chunk carries `"usage": null` and a usage-only
// chunk (`choices: []`) ends the stream. Older api-versions refuse the field: not asked.

import { words } from '../chat-streams.ts'
import { type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'contoso.openai.azure.com'
const PATH = '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-10-21'
const az = { id: 'chatcmpl-BzAzUr3DePl0yM3nt5tr3am', model: 'gpt-4o-2024-11-20' }
const filters = { hate: { filtered: false, severity: 'safe' } }
const promptFilter = {
  choices: [],
  created: 0,
  id: '',
  model: '',
  object: '',
  prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
}
const usage = {
  completion_tokens: 12,
  completion_tokens_details: {
    accepted_prediction_tokens: 0,
    audio_tokens: 0,
    reasoning_tokens: 0,
    rejected_prediction_tokens: 0,
  },
  prompt_tokens: 1200,
  prompt_tokens_details: { audio_tokens: 0, cached_tokens: 1024 },
  total_tokens: 1212,
}
const buckets = {
  inputTokens: 176,
  outputTokens: 12,
  cacheReadTokens: 1024,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
}

/** A chunk as Azure writes it: keys in alphabetical order, filter results per choice. */
const azChunk = (delta: object, finish: string | null = null) => ({
  choices: [
    { content_filter_results: finish ? {} : filters, delta, finish_reason: finish, index: 0 },
  ],
  created: 1_760_000_000,
  id: az.id,
  model: az.model,
  object: 'chat.completion.chunk',
  system_fingerprint: 'fp_ee1d74bde0',
})

/** The stream, with (`asked`) or without the include_usage additions. */
function stream(asked: boolean): string {
  const extra = (o: object) => (asked ? { ...o, usage: null } : o)
  return sse([
    extra(promptFilter),
    extra(azChunk({ content: '', role: 'assistant' })),
    ...words.map((w) => extra(azChunk({ content: w }))),
    extra(azChunk({}, 'stop')),
    ...(asked ? [{ ...azChunk({}), choices: [], usage }] : []),
    '[DONE]',
  ])
}

const injected: Fixture = {
  name: 'Azure SSE asked by the proxy: content-filter first chunk, usage-only last chunk',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('gpt-4o'),
    responseBody: stream(true),
  },
  expected: record({
    provider: 'azure-openai',
    model: az.model,
    stream: true,
    responseId: az.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const oldVersion: Fixture = {
  name: 'Azure SSE on api-version 2024-06-01 (no stream_options there): no usage, flagged',
  meta: meta(HOST, '/openai/deployments/gpt-4o-prod/chat/completions?api-version=2024-06-01'),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('gpt-4o'),
    responseBody: stream(false),
  },
  expected: record({ provider: 'azure-openai', model: az.model, stream: true, responseId: az.id }),
}

const json: Fixture = {
  name: 'Azure JSON: filter annotations, cached tokens split out of the prompt',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"messages":[{"role":"user","content":"hi"}]}',
    responseBody: JSON.stringify({
      choices: [
        {
          content_filter_results: filters,
          finish_reason: 'stop',
          index: 0,
          logprobs: null,
          message: { content: 'Bonjour ☕', refusal: null, role: 'assistant' },
        },
      ],
      created: 1_760_000_000,
      id: az.id,
      model: az.model,
      object: 'chat.completion',
      prompt_filter_results: promptFilter.prompt_filter_results,
      system_fingerprint: 'fp_ee1d74bde0',
      usage,
    }),
  },
  expected: record({
    provider: 'azure-openai',
    model: az.model,
    responseId: az.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

export const azureCase: HostCase = {
  host: HOST,
  provider: 'azure-openai',
  chatPath: PATH,
  asks: true,
  source: 'Azure REST specs: stream_options from 2024-09-01-preview / 2024-10-21',
  fixtures: [json, injected, oldVersion],
  strip: { asked: stream(true), unasked: stream(false) },
}
