// Anthropic usage: the cumulative overlay and the bucket normalisation.

import { describe, expect, test } from 'bun:test'
import { emptyBilling } from '@tokentap/shared'
import { normalizeAnthropicUsage, overlayUsage } from './usage.ts'

describe('overlayUsage', () => {
  test('replaces cumulative counts, never adds, and skips nulls', () => {
    const start = { input_tokens: 10, cache_read_input_tokens: 5, output_tokens: 1 }
    const merged = overlayUsage(start, {
      input_tokens: 10,
      cache_read_input_tokens: null,
      output_tokens: 42,
      server_tool_use: { web_search_requests: 1 },
    })
    expect(merged).toEqual({
      input_tokens: 10,
      cache_read_input_tokens: 5,
      output_tokens: 42,
      server_tool_use: { web_search_requests: 1 },
    })
    expect(start.output_tokens).toBe(1) // inputs are not mutated
  })

  test('merges nested objects and ignores prototype keys', () => {
    const base = { cache_creation: { ephemeral_5m_input_tokens: 3 } }
    const delta = JSON.parse(
      '{"cache_creation":{"ephemeral_1h_input_tokens":4},"__proto__":{"x":1}}',
    )
    const merged = overlayUsage(base, delta)
    expect(merged).toEqual({
      cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
    })
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype)
  })
})

describe('normalizeAnthropicUsage', () => {
  test('split remainder goes to 5m; no split means all 5m', () => {
    const split = { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 1500 }
    expect(
      normalizeAnthropicUsage({ cache_creation_input_tokens: 3000, cache_creation: split }),
    ).toMatchObject({ cacheWrite5mTokens: 1500, cacheWrite1hTokens: 1500 })
    expect(normalizeAnthropicUsage({ cache_creation_input_tokens: 700 })).toMatchObject({
      cacheWrite5mTokens: 700,
      cacheWrite1hTokens: 0,
    })
  })

  test('input excludes cache, output includes thinking, reasoning unknown when not reported', () => {
    expect(
      normalizeAnthropicUsage({ input_tokens: 3, cache_read_input_tokens: 9, output_tokens: 7 }),
    ).toEqual({
      inputTokens: 3,
      outputTokens: 7,
      cacheReadTokens: 9,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
      reasoningTokens: null,
      ...emptyBilling(),
    })
  })

  test('non-numbers and negatives are unknown', () => {
    expect(normalizeAnthropicUsage({ input_tokens: '3', output_tokens: -1 })).toMatchObject({
      inputTokens: null,
      outputTokens: null,
    })
  })
})
