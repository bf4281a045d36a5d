// DeepSeek: "the last chunk before the data: [DONE] message carries the token usage statistics
// for the entire request in its usage field" with or without include_usage, on the finish chunk
// (no separate usage-only chunk); unasked, no other chunk has a `usage` field. Never asked.
// `prompt_cache_hit_tokens` + `prompt_cache_miss_tokens` = prompt_tokens (miss = uncached input);
// reasoning (deepseek-reasoner) is inside completion_tokens. Reasoner streams send `: keep-alive`.

import { type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'api.deepseek.com'
const PATH = '/chat/completions'
const ds = { id: '43a31dda-92f6-4cdf-a333-bb399599a824', model: 'deepseek-reasoner' }
const fp = 'fp_7e73fd9a08'
const usage = {
  prompt_tokens: 1030,
  completion_tokens: 92,
  total_tokens: 1122,
  prompt_tokens_details: { cached_tokens: 1024 },
  completion_tokens_details: { reasoning_tokens: 81 },
  prompt_cache_hit_tokens: 1024,
  prompt_cache_miss_tokens: 6,
}
const buckets = {
  inputTokens: 6,
  outputTokens: 92,
  cacheReadTokens: 1024,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 81,
}
const dsChunk = (delta: object, finish: string | null = null, extra: object = {}) => ({
  id: ds.id,
  object: 'chat.completion.chunk',
  created: 1_739_097_227,
  model: ds.model,
  system_fingerprint: fp,
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  ...extra,
})

const streamed: Fixture = {
  name: 'DeepSeek SSE, unasked: keep-alives, reasoning deltas, usage only on the finish chunk',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('deepseek-reasoner'),
    responseBody: `: keep-alive\n\n${sse([
      dsChunk({ role: 'assistant', content: null, reasoning_content: '' }),
      dsChunk({ content: null, reasoning_content: 'Réfléchissons… 日本' }),
      dsChunk({ content: 'Bonjour ☕', reasoning_content: null }),
      dsChunk({ content: '', reasoning_content: null }, 'stop', { usage }),
    ])}: keep-alive\n\ndata: [DONE]\n\n`,
  },
  expected: record({
    provider: 'deepseek',
    model: ds.model,
    stream: true,
    responseId: ds.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const json: Fixture = {
  name: 'DeepSeek JSON: cache hit/miss counts, reasoning inside completion_tokens',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"deepseek-reasoner","messages":[{"role":"user","content":"hello"}]}',
    responseBody: JSON.stringify({
      id: ds.id,
      object: 'chat.completion',
      created: 1_739_092_483,
      model: ds.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello!', reasoning_content: 'The user…' },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage,
      system_fingerprint: fp,
    }),
  },
  expected: record({
    provider: 'deepseek',
    model: ds.model,
    responseId: ds.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

export const deepseekCase: HostCase = {
  host: HOST,
  provider: 'deepseek',
  chatPath: PATH,
  asks: false,
  source: 'api-docs.deepseek.com create-chat-completion (stream_options.include_usage)',
  fixtures: [json, streamed],
}
