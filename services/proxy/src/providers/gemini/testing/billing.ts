// Gemini / Vertex exchanges carrying billed units, in the documented GenerateContentResponse
// shape: per-modality token details (audio priced apart), Google Search grounding metadata on the
// last stream chunk (`webSearchQueries`, `searchEntryPoint`, `groundingChunks`), and Vertex's
// `trafficType`. Prices from ai.google.dev/gemini-api/docs/pricing: Gemini 2.5 Flash input $0.30
// (text / image / video) and $1.00 (audio), cache $0.03 (text) and $0.10 (audio), output $2.50;
// Gemini 3 Flash preview input $0.50, output $3.00 per MTok. Grounding: "5,000 prompts per month
// (free), then $14 / 1,000 search queries" (Gemini 3) and "1,500 RPD (free), then $35 / 1,000
// grounded prompts" (2.x): a per-record price cannot know the free allowance, and the price
// table has none: flagged. Flex traffic: 50% of standard.

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { geminiDialect } from '../gemini.ts'
import { geminiSse, JSON_HEADERS, meta, record, SSE_HEADERS } from './common.ts'

const AT = '2026-04-01T12:00:00.000Z'

const audioUsage = {
  promptTokenCount: 1500,
  cachedContentTokenCount: 500,
  candidatesTokenCount: 200,
  totalTokenCount: 1700,
  promptTokensDetails: [
    { modality: 'TEXT', tokenCount: 700 },
    { modality: 'AUDIO', tokenCount: 800 },
  ],
  cacheTokensDetails: [
    { modality: 'TEXT', tokenCount: 200 },
    { modality: 'AUDIO', tokenCount: 300 },
  ],
  candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 200 }],
}

const audioJson: BillingFixture = {
  name: 'Gemini JSON: audio prompt and cached audio (2.5 Flash)',
  dialect: geminiDialect('gemini'),
  format: 'gemini',
  meta: meta(
    'generativelanguage.googleapis.com',
    '/v1beta/models/gemini-2.5-flash:generateContent',
  ),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: JSON.stringify({
      contents: [
        { role: 'user', parts: [{ inlineData: { mimeType: 'audio/wav', data: 'UklG' } }] },
      ],
      cachedContent: 'cachedContents/abc123',
    }),
    responseBody: JSON.stringify({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Transcription : « bonjour » — 日本 ✅' }] },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: audioUsage,
      modelVersion: 'gemini-2.5-flash',
      responseId: 'aud10Resp',
    }),
  },
  expected: record({
    provider: 'gemini',
    model: 'gemini-2.5-flash',
    responseId: 'aud10Resp',
    usageSource: 'provider',
    rawUsage: audioUsage,
    inputTokens: 1000,
    outputTokens: 200,
    cacheReadTokens: 500,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    units: { input_audio_tokens: 800, cache_audio_read_tokens: 300 },
  }),
  // Uncached: 500 text + 500 audio; cached: 200 text + 300 audio.
  cost: usd(mtok([500, 0.3], [500, 1], [200, 0.03], [300, 0.1], [200, 2.5])),
  unpriced: null,
}

const groundedUsage = {
  promptTokenCount: 40,
  candidatesTokenCount: 300,
  toolUsePromptTokenCount: 1500,
  thoughtsTokenCount: 120,
  totalTokenCount: 1960,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 40 }],
  toolUsePromptTokensDetails: [{ modality: 'TEXT', tokenCount: 1500 }],
}

const part = (text: string, extra: object = {}) => ({
  candidates: [{ content: { role: 'model', parts: [{ text }] }, index: 0, ...extra }],
  modelVersion: 'gemini-3-flash-preview',
  responseId: 'grnd3Resp',
})

const groundedStream: BillingFixture = {
  name: 'Gemini SSE: Google Search grounding on the last chunk (2 queries)',
  dialect: geminiDialect('gemini'),
  format: 'gemini',
  meta: meta(
    'generativelanguage.googleapis.com',
    '/v1beta/models/gemini-3-flash-preview:streamGenerateContent?alt=sse',
  ),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: '{"contents":[],"tools":[{"google_search":{}}]}',
    responseBody: geminiSse([
      { ...part('Euro 2024 : '), usageMetadata: { promptTokenCount: 40, totalTokenCount: 40 } },
      { ...part("l'Espagne a gagné — 🇪🇸"), usageMetadata: { promptTokenCount: 40 } },
      {
        ...part('.', {
          finishReason: 'STOP',
          groundingMetadata: {
            webSearchQueries: ['UEFA Euro 2024 winner', 'who won euro 2024'],
            searchEntryPoint: { renderedContent: '<style>.container{}</style><div>…</div>' },
            groundingChunks: [
              { web: { uri: 'https://vertexaisearch.cloud.google.com/x', title: 'uefa.com' } },
            ],
            groundingSupports: [
              {
                segment: { startIndex: 0, endIndex: 30, text: 'Euro 2024' },
                groundingChunkIndices: [0],
              },
            ],
          },
        }),
        usageMetadata: groundedUsage,
      },
    ]),
  },
  expected: record({
    provider: 'gemini',
    endpoint: 'streamGenerateContent',
    model: 'gemini-3-flash-preview',
    stream: true,
    responseId: 'grnd3Resp',
    usageSource: 'provider',
    rawUsage: groundedUsage,
    inputTokens: 1540,
    outputTokens: 420,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 120,
    units: { web_searches: 2, grounded_prompts: 1 },
  }),
  // The tool-use prompt (the search results) is input; thoughts are output.
  cost: usd(mtok([1540, 0.5], [420, 3])),
  unpriced: ['grounded_prompts', 'web_searches'],
}

const flexUsage = {
  promptTokenCount: 2000,
  candidatesTokenCount: 100,
  totalTokenCount: 2100,
  trafficType: 'ON_DEMAND_FLEX',
}

const vertexFlex: BillingFixture = {
  name: 'Vertex JSON: flex traffic at half price',
  dialect: geminiDialect('vertex'),
  format: 'gemini',
  meta: meta(
    'us-central1-aiplatform.googleapis.com',
    '/v1/projects/acme/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent',
  ),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"contents":[]}',
    responseBody: JSON.stringify({
      candidates: [{ content: { role: 'model', parts: [{ text: 'ok' }] }, finishReason: 'STOP' }],
      usageMetadata: flexUsage,
      modelVersion: 'gemini-2.5-flash',
      createTime: '2026-04-01T12:00:00.000000Z',
      responseId: 'flx1',
    }),
  },
  expected: record({
    provider: 'vertex',
    model: 'gemini-2.5-flash',
    responseId: 'flx1',
    usageSource: 'provider',
    rawUsage: flexUsage,
    inputTokens: 2000,
    outputTokens: 100,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    serviceTier: 'ON_DEMAND_FLEX',
  }),
  cost: usd(mtok([2000, 0.3], [100, 2.5]) * 0.5),
  unpriced: null,
}

export const geminiBillingFixtures: BillingFixture[] = [audioJson, groundedStream, vertexFlex]
