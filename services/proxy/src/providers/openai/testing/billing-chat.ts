// OpenAI Chat Completions exchanges carrying billed units, in the documented wire shapes: audio
// in and out (prompt/completion `audio_tokens` details), a flex-tier stream (`service_tier` on
// every chunk, usage on the include_usage chunk), a search model answer (`url_citation`
// annotations). Prices from developers.openai.com/api/docs/pricing: gpt-5 $1.25 in / $0.125
// cached / $10 out per MTok; gpt-audio $2.50 text in, $32 audio in, $10 text out, $64 audio out;
// flex = Batch API rates (half); gpt-4o-search-preview $2.50 / $10, its per-search fee is not
// in the price table: flagged.

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { openaiChatDialect } from '../chat.ts'
import { chunk, JSON_HEADERS, meta, record, SSE_HEADERS, sse } from './common.ts'

const AT = '2026-04-01T12:00:00.000Z'
const CHAT = meta('api.openai.com', '/v1/chat/completions')
const chat = openaiChatDialect('openai')

const audioUsage = {
  prompt_tokens: 1000,
  completion_tokens: 500,
  total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 600, text_tokens: 400, image_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 400,
    text_tokens: 100,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
}

const audioChat: BillingFixture = {
  name: 'OpenAI chat JSON: audio in and out (gpt-audio)',
  dialect: chat,
  format: 'openai',
  meta: CHAT,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: JSON.stringify({
      model: 'gpt-audio',
      modalities: ['text', 'audio'],
      audio: { voice: 'alloy', format: 'wav' },
      messages: [
        {
          role: 'user',
          content: [{ type: 'input_audio', input_audio: { data: 'UklG', format: 'wav' } }],
        },
      ],
    }),
    responseBody: JSON.stringify({
      id: 'chatcmpl-AudioX1',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'gpt-audio-2025-08-28',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: null,
            refusal: null,
            audio: {
              id: 'audio_68d1',
              data: 'UklGRiQAAABXQVZFZm10IBAAAAABAAEA',
              expires_at: 1_760_003_600,
              transcript: 'Bonjour — 日本語 ✅',
            },
          },
          finish_reason: 'stop',
        },
      ],
      usage: audioUsage,
      service_tier: 'default',
    }),
  },
  expected: record({
    provider: 'openai',
    model: 'gpt-audio-2025-08-28',
    responseId: 'chatcmpl-AudioX1',
    usageSource: 'provider',
    rawUsage: audioUsage,
    inputTokens: 1000,
    outputTokens: 500,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    serviceTier: 'default',
    units: { input_audio_tokens: 600, output_audio_tokens: 400 },
  }),
  cost: usd(mtok([400, 2.5], [600, 32], [100, 10], [400, 64])),
  unpriced: null,
}

const flexUsage = {
  prompt_tokens: 5000,
  completion_tokens: 1200,
  total_tokens: 6200,
  prompt_tokens_details: { cached_tokens: 4096, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 900, audio_tokens: 0 },
}
const gpt5 = { id: 'chatcmpl-Flex42', model: 'gpt-5-2025-08-07' }
const tier = { service_tier: 'flex', system_fingerprint: null, usage: null }

const flexStream: BillingFixture = {
  name: 'OpenAI chat SSE: flex tier on every chunk, usage on the include_usage chunk',
  dialect: chat,
  format: 'openai',
  meta: CHAT,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody:
      '{"model":"gpt-5","service_tier":"flex","stream":true,"stream_options":{"include_usage":true},"messages":[]}',
    responseBody: sse([
      chunk(gpt5, { role: 'assistant', content: '', refusal: null }, tier),
      chunk(gpt5, { content: 'Analyse lente — ' }, tier),
      chunk(gpt5, { content: 'terminée 🐢' }, tier),
      chunk(gpt5, {}, tier, 'stop'),
      {
        id: gpt5.id,
        object: 'chat.completion.chunk',
        created: 1,
        model: gpt5.model,
        choices: [],
        ...tier,
        usage: flexUsage,
      },
      '[DONE]',
    ]),
  },
  expected: record({
    provider: 'openai',
    model: 'gpt-5-2025-08-07',
    stream: true,
    responseId: 'chatcmpl-Flex42',
    usageSource: 'provider',
    rawUsage: flexUsage,
    inputTokens: 904,
    outputTokens: 1200,
    cacheReadTokens: 4096,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 900,
    serviceTier: 'flex',
  }),
  cost: usd(mtok([904, 1.25], [4096, 0.125], [1200, 10]) * 0.5),
  unpriced: null,
}

const searchUsage = {
  prompt_tokens: 320,
  completion_tokens: 180,
  total_tokens: 500,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
}

const searchChat: BillingFixture = {
  name: 'OpenAI chat JSON: a search model searches once per answer (fee not in the table)',
  dialect: chat,
  format: 'openai',
  meta: CHAT,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"gpt-4o-search-preview","web_search_options":{},"messages":[]}',
    responseBody: JSON.stringify({
      id: 'chatcmpl-Search7',
      object: 'chat.completion',
      created: 1_760_000_000,
      model: 'gpt-4o-search-preview-2025-03-11',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Il fait 22 °C à São Paulo ([source](https://weather.example/sp)).',
            annotations: [
              {
                type: 'url_citation',
                url_citation: {
                  start_index: 29,
                  end_index: 64,
                  title: 'Météo São Paulo',
                  url: 'https://weather.example/sp',
                },
              },
            ],
          },
          finish_reason: 'stop',
        },
      ],
      usage: searchUsage,
    }),
  },
  expected: record({
    provider: 'openai',
    model: 'gpt-4o-search-preview-2025-03-11',
    responseId: 'chatcmpl-Search7',
    usageSource: 'provider',
    rawUsage: searchUsage,
    inputTokens: 320,
    outputTokens: 180,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    units: { web_searches: 1 },
  }),
  // gpt-4o-search-preview tokens at $2.50 / $10; its per-search fee has no price in the table.
  cost: usd(mtok([320, 2.5], [180, 10])),
  unpriced: ['web_searches'],
}

export const chatBillingFixtures: BillingFixture[] = [audioChat, flexStream, searchChat]
