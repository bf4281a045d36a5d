// Gemini streams in their documented wire shapes: alt=sse streams of cumulative usage snapshots
// (summing them would double-count), a cut stream, and Vertex's JSON-array stream (no alt=sse).

import {
  AI,
  candidateChunk,
  type Fixture,
  geminiSse,
  JSON_HEADERS,
  meta,
  record,
  SSE_HEADERS,
  VERTEX,
  VERTEX_MODELS,
} from './common.ts'

// Cumulative snapshots: the prompt count repeats on every chunk, candidates grow.
const snapshot = (candidates: number) => ({
  promptTokenCount: 1_200,
  candidatesTokenCount: candidates,
  totalTokenCount: 1_200 + candidates + 300,
  thoughtsTokenCount: 300,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1_200 }],
})

export const sseSnapshots: Fixture = {
  name: 'alt=sse stream: cumulative usage snapshots, the last one wins (a sum would triple)',
  provider: 'gemini',
  meta: meta(AI, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: '{"contents":[{"role":"user","parts":[{"text":"Écris un haïku 🌸"}]}]}',
    responseBody: geminiSse([
      candidateChunk('Pétales de ', snapshot(5), { modelVersion: 'gemini-2.5-flash' }),
      candidateChunk('cerisier — 桜 ', snapshot(12), { modelVersion: 'gemini-2.5-flash' }),
      candidateChunk('tombent sans bruit 🌸', snapshot(20), {
        modelVersion: 'gemini-2.5-flash',
        finishReason: 'STOP',
      }),
    ]),
  },
  expected: record({
    provider: 'gemini',
    endpoint: 'streamGenerateContent',
    model: 'gemini-2.5-flash',
    stream: true,
    responseId: 'x8rjaPLaDsmk1dkP8b2q4Ao',
    usageSource: 'provider',
    rawUsage: snapshot(20),
    inputTokens: 1_200,
    outputTokens: 320,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 300,
  }),
}

export const sseCut: Fixture = {
  name: 'alt=sse stream cut before the finishing chunk: last snapshot, partial',
  provider: 'gemini',
  meta: meta(AI, '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'),
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: '{"contents":[]}',
    responseBody: `${geminiSse([
      candidateChunk('Pétales de ', snapshot(5), { modelVersion: 'gemini-2.5-flash' }),
      candidateChunk('cerisier — 桜 ', snapshot(12), { modelVersion: 'gemini-2.5-flash' }),
    ])}data: {"candidates": [{"content": {"parts": [{"text": "tom`,
  },
  expected: record({
    provider: 'gemini',
    endpoint: 'streamGenerateContent',
    model: 'gemini-2.5-flash',
    stream: true,
    responseId: 'x8rjaPLaDsmk1dkP8b2q4Ao',
    usageSource: 'partial',
    rawUsage: snapshot(12),
    inputTokens: 1_200,
    outputTokens: 312,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 300,
  }),
}

const vertexFinal = {
  promptTokenCount: 900,
  candidatesTokenCount: 40,
  totalTokenCount: 940,
  trafficType: 'ON_DEMAND',
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 900 }],
  candidatesTokensDetails: [{ modality: 'TEXT', tokenCount: 40 }],
}

// Vertex streams without alt=sse as one JSON array, pretty-printed, elements split by "\n,\r\n".
const arrayBody = `[${[
  {
    candidates: [{ content: { role: 'model', parts: [{ text: 'Bonjour ' }] } }],
    usageMetadata: { trafficType: 'ON_DEMAND' },
    modelVersion: 'gemini-2.0-flash-001',
    createTime: '2025-10-01T10:00:00.000000Z',
    responseId: 'vTx1aKCxBcWp2PgP',
  },
  {
    candidates: [
      {
        content: {
          role: 'model',
          parts: [{ text: 'le monde — "quoted" {braces} [brackets] \\ 日本 🚀' }],
        },
      },
    ],
    usageMetadata: {
      promptTokenCount: 900,
      candidatesTokenCount: 25,
      totalTokenCount: 925,
      trafficType: 'ON_DEMAND',
    },
    modelVersion: 'gemini-2.0-flash-001',
    createTime: '2025-10-01T10:00:00.000000Z',
    responseId: 'vTx1aKCxBcWp2PgP',
  },
  {
    candidates: [{ content: { role: 'model', parts: [{ text: '!' }] }, finishReason: 'STOP' }],
    usageMetadata: vertexFinal,
    modelVersion: 'gemini-2.0-flash-001',
    createTime: '2025-10-01T10:00:00.000000Z',
    responseId: 'vTx1aKCxBcWp2PgP',
  },
]
  .map((chunk) => JSON.stringify(chunk, null, 2))
  .join('\n,\r\n')}\n]`

export const jsonArray: Fixture = {
  name: 'Vertex streamGenerateContent without alt: a streamed JSON array',
  provider: 'vertex',
  meta: meta(VERTEX, `${VERTEX_MODELS}/google/models/gemini-2.0-flash-001:streamGenerateContent`),
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"contents":[]}',
    responseBody: arrayBody,
  },
  expected: record({
    provider: 'vertex',
    endpoint: 'streamGenerateContent',
    model: 'gemini-2.0-flash-001',
    stream: true,
    responseId: 'vTx1aKCxBcWp2PgP',
    usageSource: 'provider',
    rawUsage: vertexFinal,
    inputTokens: 900,
    outputTokens: 40,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    serviceTier: 'ON_DEMAND',
  }),
}
