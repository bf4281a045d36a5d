// Token counts pinned once from js-tiktoken 1.0.21 and checked by reasoning: "hello world" is
// `hello` + ` world` in both encodings (cl100k ids 15339, 1917 — the textbook example).

import { describe, expect, test } from 'bun:test'
import { countTokens, encodingForModel, estimateTokens, samplePlan } from './tokens.ts'

describe('encodingForModel', () => {
  test('o200k_base for gpt-4o, gpt-4.1, gpt-5 and the o-series', () => {
    for (const m of [
      'gpt-4o',
      'gpt-4o-mini-2024-07-18',
      'gpt-4.1',
      'gpt-5',
      'gpt-5.1-codex-max',
      'o1',
      'o3-mini',
      'o4-mini-2025-04-16',
      'openai/gpt-4o',
      'us.openai.gpt-oss-120b-1:0',
      'ft:gpt-4o-mini-2024-07-18:acme::abc',
      'chatgpt-4o-latest',
    ]) {
      expect([m, encodingForModel(m)]).toEqual([m, 'o200k_base'])
    }
  })

  test('cl100k_base otherwise (an approximation for Claude and Gemini)', () => {
    for (const m of [
      'gpt-4',
      'gpt-4-turbo',
      'gpt-3.5-turbo',
      'claude-sonnet-4-5',
      'gemini-2.5-pro',
    ]) {
      expect([m, encodingForModel(m)]).toEqual([m, 'cl100k_base'])
    }
    expect(encodingForModel(null)).toBe('cl100k_base')
    expect(encodingForModel('omni-model')).toBe('cl100k_base')
  })
})

describe('countTokens', () => {
  const cases: [string, number, number][] = [
    // text, o200k_base, cl100k_base
    ['hello world', 2, 2],
    ['Hello, world!', 4, 4], // Hello , world !
    ['The quick brown fox jumps over the lazy dog.', 10, 10], // 9 words + "."
    ['tokentap counts tokens 🚀', 7, 8],
    ['日本語のテキスト', 6, 8],
  ]
  for (const [text, o200k, cl100k] of cases) {
    test(JSON.stringify(text), () => {
      expect(countTokens(text, 'o200k_base')).toBe(o200k)
      expect(countTokens(text, 'cl100k_base')).toBe(cl100k)
    })
  }

  test('empty text is 0; special-token text is plain text, not an error', () => {
    expect(countTokens('', 'o200k_base')).toBe(0)
    expect(countTokens('a <|endoftext|> b', 'cl100k_base')).toBeGreaterThan(3)
  })

  test('long same-character runs are sliced (js-tiktoken is quadratic per piece)', () => {
    const spaces = countTokens(' '.repeat(200_000), 'cl100k_base')
    const letters = countTokens('a'.repeat(200_000), 'o200k_base')
    const dashes = countTokens(`x${'-'.repeat(50_000)}y`, 'cl100k_base')
    expect(spaces).toBeGreaterThan(1000) // 64-char slices: ~1 token each
    expect(letters).toBeGreaterThan(10_000)
    expect(dashes).toBeGreaterThan(500)
  })

  test('long text is sampled and scaled, close to the exact count', () => {
    const sentence = 'The quick brown fox jumps over the lazy dog. '
    const text = sentence.repeat(20_000) // 900k chars; each repetition is 10 tokens
    expect(samplePlan(text).scale).toBeGreaterThan(1)
    const n = countTokens(text, 'cl100k_base')
    expect(Math.abs(n - 200_000) / 200_000).toBeLessThan(0.01)
  })

  test('CJK-heavy text is sampled much earlier (bounded time)', () => {
    const text = '日本語のテキストを数える。'.repeat(20_000) // 260k chars
    expect(samplePlan(text).windows.join('').length).toBeLessThan(5000)
    const n = countTokens(text, 'cl100k_base')
    const one = countTokens('日本語のテキストを数える。', 'cl100k_base')
    expect(Math.abs(n - one * 20_000) / (one * 20_000)).toBeLessThan(0.05)
  })
})

test('estimateTokens picks the encoding from the model', () => {
  const text = { requestText: 'tokentap counts tokens 🚀', responseText: 'hello world' }
  expect(estimateTokens({ model: 'gpt-5', ...text })).toEqual({ inputTokens: 7, outputTokens: 2 })
  expect(estimateTokens({ model: 'claude-sonnet-4-5', ...text })).toEqual({
    inputTokens: 8,
    outputTokens: 2,
  })
  expect(estimateTokens({ model: null, requestText: '', responseText: '' })).toEqual({
    inputTokens: 0,
    outputTokens: 0,
  })
})
