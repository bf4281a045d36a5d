// The real `@google/genai` SDK through the proxy (child process, HTTPS_PROXY +
// NODE_EXTRA_CA_CERTS): generateContent (JSON) and generateContentStream (alt=sse with cumulative
// usageMetadata snapshots). The record must carry the LAST snapshot, not a sum of them.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { clientJson, dataEvent, sseResponse } from './run-client.ts'

let mock: MockUpstream
let proxy: Harness

const HOST = 'generativelanguage.googleapis.com'
const MODEL = 'gemini-2.5-flash'

const JSON_USAGE = {
  promptTokenCount: 12_500,
  candidatesTokenCount: 320,
  totalTokenCount: 14_320,
  cachedContentTokenCount: 8_000,
  thoughtsTokenCount: 1_500,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 12_500 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8_000 }],
}

const GENERATE = {
  candidates: [
    {
      content: { parts: [{ text: 'Il pleut à São Paulo — 22 °C. ☔' }], role: 'model' },
      finishReason: 'STOP',
      index: 0,
    },
  ],
  usageMetadata: JSON_USAGE,
  modelVersion: MODEL,
  responseId: 'genai-json-1',
}

// Cumulative snapshots: prompt and cache repeat on every chunk, candidates grow.
const snapshot = (candidates: number) => ({
  promptTokenCount: 9_000,
  candidatesTokenCount: candidates,
  totalTokenCount: 9_000 + candidates + 300,
  cachedContentTokenCount: 8_192,
  thoughtsTokenCount: 300,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 9_000 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8_192 }],
})

const streamChunk = (text: string, candidates: number, finish?: string) => ({
  candidates: [
    {
      content: { parts: [{ text }], role: 'model' },
      index: 0,
      ...(finish ? { finishReason: finish } : {}),
    },
  ],
  usageMetadata: snapshot(candidates),
  modelVersion: MODEL,
  responseId: 'genai-sse-1',
})

// Google's alt=sse stream ends events with CRLF CRLF.
const STREAM = [
  streamChunk('Pétales de ', 5),
  streamChunk('cerisier — 桜 ', 12),
  streamChunk('tombent sans bruit 🌸', 20, 'STOP'),
]
  .map((c) => dataEvent(c).replace('\n\n', '\r\n\r\n'))
  .join('')

beforeAll(async () => {
  mock = await startMockUpstream()
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
  // @google/genai 3.x calls /v1/…; older SDKs and the docs use /v1beta/… — serve both.
  for (const version of ['v1', 'v1beta']) {
    mock.on(HOST, `POST /${version}/models/${MODEL}:generateContent`, () => Response.json(GENERATE))
    mock.on(HOST, `POST /${version}/models/${MODEL}:streamGenerateContent`, () =>
      sseResponse(STREAM),
    )
  }
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

describe('@google/genai through the proxy', () => {
  test('models.generateContent: text parsed, cached and thought tokens normalised', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ text: string; usageMetadata: unknown }>('genai', 'json', proxy)
    expect(out.text).toBe('Il pleut à São Paulo — 22 °C. ☔')
    expect(out.usageMetadata).toEqual(JSON_USAGE)
    const seen = mock.seen.at(-1)!
    expect(seen.path).toMatch(/^\/v1(beta)?\/models\/gemini-2\.5-flash:generateContent$/)
    expect(seen.headers.get('x-goog-api-key')).toBe('test')
    expect(seen.headers.get('user-agent')).toMatch(/google-genai-sdk\/[\d.]+ gl-node/)
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'gemini',
      host: HOST,
      endpoint: 'generateContent',
      model: MODEL,
      stream: false,
      outcome: 'ok',
      inputTokens: 12_500 - 8_000,
      outputTokens: 320 + 1_500,
      cacheReadTokens: 8_000,
      reasoningTokens: 1_500,
      usageSource: 'provider',
      responseId: 'genai-json-1',
      program: 'google-genai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })

  test('models.generateContentStream: chunks parsed, record has the last snapshot', async () => {
    const before = proxy.sink.records.length
    const out = await clientJson<{ texts: string[]; usages: unknown[] }>('genai', 'stream', proxy)
    expect(out.texts).toEqual(['Pétales de ', 'cerisier — 桜 ', 'tombent sans bruit 🌸'])
    expect(out.usages.at(-1)).toEqual(snapshot(20))
    const seen = mock.seen.at(-1)!
    expect(seen.path).toMatch(
      /^\/v1(beta)?\/models\/gemini-2\.5-flash:streamGenerateContent\?alt=sse$/,
    )
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'gemini',
      endpoint: 'streamGenerateContent',
      model: MODEL,
      stream: true,
      outcome: 'ok',
      // The last snapshot: a sum over the three chunks would triple every count.
      inputTokens: 9_000 - 8_192,
      outputTokens: 20 + 300,
      cacheReadTokens: 8_192,
      reasoningTokens: 300,
      usageSource: 'provider',
      responseId: 'genai-sse-1',
      program: 'google-genai-sdk-js',
    })
    expect(rec.costUsd).not.toBeNull()
  })
})
