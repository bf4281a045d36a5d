// GitHub Copilot (api.githubcopilot.com, `/chat/completions`): Copilot's proxy has include_usage
// "hard-coded to true" (vscode-copilot-chat, networking/common/fetch.ts), so every stream is the
// asked-for shape unasked: an id-less `prompt_filter_results` chunk, `"usage": null` on the
// others, a usage-only chunk last. Never asked. Copilot bills premium requests, not tokens.

import { type Fixture, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from '../common.ts'
import { type HostCase, streamRequest } from './case.ts'

const HOST = 'api.githubcopilot.com'
const PATH = '/chat/completions'
const cp = { id: 'chatcmpl-BhyjslTwN48eOEj3LT3jsieMDRgRl', model: 'gpt-4o-mini-2024-07-18' }
const filters = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
}
const usage = {
  completion_tokens: 93,
  completion_tokens_details: {
    accepted_prediction_tokens: 0,
    audio_tokens: 0,
    reasoning_tokens: 0,
    rejected_prediction_tokens: 0,
  },
  prompt_tokens: 965,
  prompt_tokens_details: { audio_tokens: 0, cached_tokens: 768 },
  total_tokens: 1058,
}
const buckets = {
  inputTokens: 197,
  outputTokens: 93,
  cacheReadTokens: 768,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
}
const cpChunk = (delta: object, finish: string | null = null) => ({
  choices: [
    {
      content_filter_results: finish ? {} : filters,
      delta,
      finish_reason: finish,
      index: 0,
      logprobs: null,
    },
  ],
  created: 1_749_821_284,
  id: cp.id,
  model: cp.model,
  object: 'chat.completion.chunk',
  system_fingerprint: 'fp_57db37749c',
  usage: null,
})

const streamed: Fixture = {
  name: 'Copilot SSE, unasked: filter chunk, usage:null chunks, usage-only last chunk',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: streamRequest('gpt-4o-mini'),
    responseBody: sse([
      {
        choices: [],
        created: 0,
        id: '',
        model: '',
        object: '',
        prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
      },
      cpChunk({ content: 'hello' }),
      cpChunk({ content: ' wörld ☕' }),
      cpChunk({}, 'stop'),
      { ...cpChunk({}), choices: [], usage },
      '[DONE]',
    ]),
  },
  expected: record({
    provider: 'github-copilot',
    model: cp.model,
    stream: true,
    responseId: cp.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

const json: Fixture = {
  name: 'Copilot JSON: filter annotations, cached tokens',
  meta: meta(HOST, PATH),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],"n":1}',
    responseBody: JSON.stringify({
      choices: [
        {
          content_filter_results: filters,
          finish_reason: 'stop',
          index: 0,
          message: { content: 'hello wörld ☕', role: 'assistant' },
        },
      ],
      created: 1_749_821_284,
      id: cp.id,
      model: cp.model,
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: filters }],
      system_fingerprint: 'fp_57db37749c',
      usage,
    }),
  },
  expected: record({
    provider: 'github-copilot',
    model: cp.model,
    responseId: cp.id,
    usageSource: 'provider',
    rawUsage: usage,
    ...buckets,
  }),
}

export const copilotCase: HostCase = {
  host: HOST,
  provider: 'github-copilot',
  chatPath: PATH,
  asks: false,
  source: 'microsoft/vscode-copilot-chat: CAPI include_usage hard-coded on',
  fixtures: [json, streamed],
}
