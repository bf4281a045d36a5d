// The memo (price plans) against genai-prices' own arithmetic: the very same doubles over many
// varied records per model — tiered, cached, reasoning, searches, at several times.
import { describe, expect, test } from 'bun:test'
import { type Buckets, genaiPrice, genaiPriceDirect } from './genai.ts'
import { priceLookups } from './models.ts'
import { roundUsd } from './money.ts'

/** A small deterministic generator (tests must not depend on Math.random). */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

const MODELS: [provider: string, model: string][] = [
  ['anthropic', 'claude-sonnet-4-5-20250929'],
  ['anthropic', 'claude-sonnet-4-6'],
  ['anthropic', 'claude-opus-4-6'],
  ['openai', 'gpt-5'],
  ['openai', 'gpt-4o-search-preview'],
  ['gemini', 'gemini-2.5-pro'],
  ['gemini', 'gemini-2.5-flash'],
  ['bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'],
  ['deepseek', 'deepseek-chat'],
  ['xai', 'grok-4'],
]

const TIMES = ['2025-10-01T12:00:00Z', '2026-03-01T03:15:00Z', '2026-04-01T17:00:00Z']

function buckets(next: () => number): Buckets {
  const big = next() < 0.3
  const n = (max: number) => Math.floor(next() * max)
  const outputTokens = n(20_000)
  return {
    inputTokens: n(big ? 400_000 : 5000),
    cacheReadTokens: n(big ? 300_000 : 50_000),
    cacheWrite5mTokens: next() < 0.5 ? n(10_000) : 0,
    cacheWrite1hTokens: next() < 0.3 ? n(10_000) : 0,
    outputTokens,
    reasoningTokens: next() < 0.5 ? n(outputTokens + 100) : 0,
  }
}

describe('genaiPrice through price plans', () => {
  test('gives exactly what genai-prices gives on varied records', () => {
    const next = rng(15)
    let priced = 0
    for (const [provider, model] of MODELS) {
      const lookups = priceLookups(provider, model)
      for (const t of TIMES) {
        const at = new Date(t)
        for (let i = 0; i < 40; i++) {
          const b = buckets(next)
          const units = next() < 0.3 ? { web_searches: 1 + Math.floor(next() * 5) } : {}
          const memo = genaiPrice(lookups, b, units, at)
          const direct = genaiPriceDirect(lookups, b, units, at)
          expect(memo === null).toBe(direct === null)
          if (memo === null || direct === null) continue
          priced++
          expect(memo.tokensUsd).toBe(direct.tokensUsd)
          expect(memo.otherUsd).toBe(direct.otherUsd)
          expect([...memo.priceKeys].sort()).toEqual([...direct.priceKeys].sort())
        }
      }
    }
    // Most of the table is priced: the comparison is not vacuous.
    expect(priced).toBeGreaterThan(MODELS.length * TIMES.length * 30)
  })

  test('each side of a long-context threshold keeps its own rate', () => {
    const lookups = priceLookups('anthropic', 'claude-sonnet-4-6')
    const at = new Date('2026-03-01T00:00:00Z')
    const base = { cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0 }
    const b = (inputTokens: number) => ({
      ...base,
      inputTokens,
      outputTokens: 1000,
      reasoningTokens: 0,
    })
    // $3 / $15 up to 200k input, $6 / $22.50 above
    expect(roundUsd(genaiPrice(lookups, b(200_000), {}, at)!.tokensUsd)).toBe(0.615)
    expect(roundUsd(genaiPrice(lookups, b(200_001), {}, at)!.tokensUsd)).toBe(1.222506)
  })

  test('a model genai-prices does not know stays unpriced', () => {
    const lookups = priceLookups('openai', 'gpt-99-unknown')
    const b = { inputTokens: 10, outputTokens: 10 } as Buckets
    expect(genaiPrice(lookups, { ...b, ...zero() }, {}, new Date())).toBeNull()
  })

  test('modality token units take genai-prices’ own path and agree', () => {
    const lookups = priceLookups('openai', 'gpt-realtime')
    const at = new Date('2026-03-01T00:00:00Z')
    const b = { ...zero(), inputTokens: 2000, outputTokens: 500 }
    const units = { input_audio_tokens: 900 }
    expect(genaiPrice(lookups, b, units, at)).toEqual(genaiPriceDirect(lookups, b, units, at))
  })
})

function zero(): Buckets {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
  }
}
