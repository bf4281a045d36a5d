// The Gemini dialect replayed over every fixture at every chunk boundary, plus route
// classification, the JSON-array splitter and the usage rules.

import { describe, expect, test } from 'bun:test'
import { emptyBilling } from '@tokentap/shared'
import { createJsonArraySplitter } from '../common/json-array.ts'
import { chunkings, firstMismatch, replayRuns, runExchange, toBytes } from '../testing/replay.ts'
import { geminiDialect } from './gemini.ts'
import { classifyGeminiPath } from './paths.ts'
import { JSON_HEADERS, meta } from './testing/common.ts'
import { geminiFixtures } from './testing/fixtures.ts'
import { vertexClaudeFixtures } from './testing/vertex-claude.ts'
import { normalizeGeminiUsage } from './usage.ts'

describe('gemini fixtures, every chunking', () => {
  for (const fixture of [...geminiFixtures, ...vertexClaudeFixtures]) {
    test(fixture.name, () => {
      const runs = replayRuns(geminiDialect(fixture.provider), fixture.meta, fixture.exchange)
      expect(runs.length).toBeGreaterThan(2)
      expect(runs[0]?.usage).toEqual(fixture.expected)
      const bad = firstMismatch(runs, fixture.expected)
      if (bad) expect(bad).toEqual({ label: bad.label, usage: fixture.expected })
    })
  }
})

test('routes', () => {
  expect(classifyGeminiPath('/v1beta/models/gemini-2.5-pro:generateContent')).toEqual({
    kind: 'generate',
    endpoint: 'generateContent',
    billable: true,
    model: 'gemini-2.5-pro',
    codeAssist: false,
  })
  expect(
    classifyGeminiPath(
      '/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    ),
  ).toMatchObject({ kind: 'stream', model: 'gemini-2.5-flash' })
  expect(classifyGeminiPath('/v1internal:generateContent')).toMatchObject({
    kind: 'generate',
    model: null,
    codeAssist: true,
  })
  expect(classifyGeminiPath('/v1internal:loadCodeAssist')).toMatchObject({
    kind: 'other',
    billable: false,
  })
  expect(
    classifyGeminiPath(
      '/v1/projects/p/locations/l/publishers/anthropic/models/claude-3-5-haiku@20241022:streamRawPredict',
    ),
  ).toMatchObject({
    kind: 'anthropic',
    endpoint: 'streamRawPredict',
    model: 'claude-3-5-haiku@20241022',
  })
  expect(
    classifyGeminiPath('/v1/projects/p/locations/l/endpoints/openapi/chat/completions').kind,
  ).toBe('openai')
  expect(classifyGeminiPath('/v1beta/models')).toMatchObject({
    kind: 'other',
    endpoint: '/v1beta/models',
  })
  expect(classifyGeminiPath('/v1beta/models/text-embedding-004:embedContent').kind).toBe('other')
})

test('usage: prompt includes cache, tool-use prompt added, output = candidates + thoughts', () => {
  expect(
    normalizeGeminiUsage({
      promptTokenCount: 100,
      cachedContentTokenCount: 60,
      toolUsePromptTokenCount: 5,
      candidatesTokenCount: 7,
      thoughtsTokenCount: 11,
    }),
  ).toEqual({
    inputTokens: 45,
    outputTokens: 18,
    cacheReadTokens: 60,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 11,
    ...emptyBilling(),
  })
})

test('Vertex OpenAI-compatible endpoint is read as Chat Completions', () => {
  const usage = runExchange(
    geminiDialect('vertex'),
    meta(
      'us-central1-aiplatform.googleapis.com',
      '/v1/projects/p/locations/us-central1/endpoints/openapi/chat/completions',
    ),
    { status: 200, headers: JSON_HEADERS },
    [toBytes('{"model":"google/gemini-2.0-flash-001","messages":[]}')],
    [
      toBytes(
        '{"id":"c1","model":"google/gemini-2.0-flash-001","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":2,"total_tokens":6}}',
      ),
    ],
  )
  expect(usage).toMatchObject({
    provider: 'vertex',
    endpoint: 'chat.completions',
    inputTokens: 4,
    outputTokens: 2,
  })
})

describe('json array splitter', () => {
  function split(text: string, chunks?: Uint8Array[], max?: number) {
    const elements: [string, boolean][] = []
    const splitter = createJsonArraySplitter({
      onElement: (element, truncated) => elements.push([element, truncated]),
      ...(max === undefined ? {} : { maxElementChars: max }),
    })
    for (const chunk of chunks ?? [toBytes(text)]) splitter.push(chunk)
    splitter.end()
    return { elements, closed: splitter.closed, error: splitter.error }
  }

  test('strings with brackets, escapes and multi-byte characters, at every split', () => {
    const text = '\uFEFF [ {"a":"]}\\"{[","b":[1,{"c":"日本 🚀"}]}\r\n,\n{"d":"\\\\"} ]\n'
    const expected = split(text)
    expect(expected).toEqual({
      elements: [
        ['{"a":"]}\\"{[","b":[1,{"c":"日本 🚀"}]}', false],
        ['{"d":"\\\\"}', false],
      ],
      closed: true,
      error: null,
    })
    for (const c of chunkings(toBytes(text))) expect(split(text, c.chunks)).toEqual(expected)
  })

  test('an oversized element is flagged, the next one still read; a bare object is one element', () => {
    expect(split(`[{"x":"${'y'.repeat(100)}"},{"z":1}]`, undefined, 50).elements).toEqual([
      ['', true],
      ['{"z":1}', false],
    ])
    expect(split('{"error":{"code":429}}')).toEqual({
      elements: [['{"error":{"code":429}}', false]],
      closed: true,
      error: null,
    })
  })

  test('a cut array is not closed; garbage stops the scan', () => {
    expect(split('[{"a":1},{"b":').closed).toBe(false)
    expect(split('[{"a":1} x {"b":2}]')).toMatchObject({
      elements: [['{"a":1}', false]],
      error: 'unexpected character between array elements',
    })
    expect(split('<html>').error).toBe('response is not a JSON array')
  })
})

test('a generateContent JSON over 4 MiB (inline image): usage, model and id from the tail', () => {
  const image = 'A'.repeat(5 << 20)
  const body = `{\n  "candidates": [{"content": {"parts": [{"inlineData": {"mimeType": "image/png", "data": "${image}"}}], "role": "model"}, "finishReason": "STOP", "index": 0}],\n  "usageMetadata": {\n    "promptTokenCount": 20,\n    "candidatesTokenCount": 1290,\n    "totalTokenCount": 1310\n  },\n  "modelVersion": "gemini-2.5-flash-image",\n  "responseId": "imgResp01"\n}\n`
  const bytes = toBytes(body)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += 1 << 16) chunks.push(bytes.subarray(i, i + (1 << 16)))
  const usage = runExchange(
    geminiDialect('gemini'),
    meta(
      'generativelanguage.googleapis.com',
      '/v1beta/models/gemini-2.5-flash-image:generateContent',
    ),
    { status: 200, headers: JSON_HEADERS },
    [toBytes('{"contents":[]}')],
    chunks,
  )
  expect(usage).toMatchObject({
    model: 'gemini-2.5-flash-image',
    responseId: 'imgResp01',
    usageSource: 'provider',
    inputTokens: 20,
    outputTokens: 1290,
    parseError: null,
  })
})
