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

describe('normalizeAnthropicUsage: billing', () => {
  test('thinking tokens are reasoning (a part of output); server tools and labels as billed', () => {
    const n = normalizeAnthropicUsage({
      input_tokens: 10,
      output_tokens: 900,
      output_tokens_details: { thinking_tokens: 640 },
      server_tool_use: { web_search_requests: 2, web_fetch_requests: 1, tool_x_requests: 0 },
      service_tier: 'priority',
      inference_geo: 'us',
      speed: 'fast',
    })
    expect(n).toMatchObject({
      outputTokens: 900,
      reasoningTokens: 640,
      serviceTier: 'priority',
      inferenceGeo: 'us',
      speed: 'fast',
      units: { web_searches: 2, web_fetches: 1 },
      subUsage: null,
    })
  })

  test('thinking never exceeds output; an unknown server tool keeps its own name', () => {
    const n = normalizeAnthropicUsage({
      output_tokens: 5,
      output_tokens_details: { thinking_tokens: 9 },
      server_tool_use: { code_execution_requests: 3, 'Bad Key': 4 },
    })
    expect(n.reasoningTokens).toBe(5)
    expect(n.units).toEqual({ code_execution_requests: 3 })
  })

  test('compaction iterations are added once; message iterations are already in the top level', () => {
    // The compaction documentation's example: the top level is the message iteration only.
    const n = normalizeAnthropicUsage({
      input_tokens: 23_000,
      output_tokens: 1_000,
      iterations: [
        { type: 'compaction', input_tokens: 180_000, output_tokens: 3_500 },
        { type: 'message', input_tokens: 23_000, output_tokens: 1_000 },
      ],
    })
    expect(n).toMatchObject({ inputTokens: 203_000, outputTokens: 4_500 })
    expect(n.subUsage?.map((it) => [it.kind, it.inputTokens])).toEqual([
      ['compaction', 180_000],
      ['message', 23_000],
    ])
  })

  test('advisor iterations stay apart; with a fallback, message iterations are refused hops', () => {
    const advisor = normalizeAnthropicUsage({
      input_tokens: 100,
      output_tokens: 10,
      iterations: [
        { type: 'message', input_tokens: 60, output_tokens: 4 },
        {
          type: 'advisor_message',
          model: 'claude-opus-4-8',
          input_tokens: 800,
          cache_read_input_tokens: 5,
          cache_creation_input_tokens: 7,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 7 },
          output_tokens: 90,
        },
        { type: 'message', input_tokens: 40, output_tokens: 6 },
      ],
    })
    expect(advisor).toMatchObject({ inputTokens: 100, outputTokens: 10 })
    expect(advisor.subUsage?.[1]).toEqual({
      kind: 'advisor_message',
      model: 'claude-opus-4-8',
      inputTokens: 800,
      outputTokens: 90,
      cacheReadTokens: 5,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 7,
    })
    const fallback = normalizeAnthropicUsage({
      input_tokens: 50,
      output_tokens: 5,
      iterations: [
        { type: 'message', model: 'claude-fable-5', input_tokens: 50, output_tokens: 1 },
        { type: 'fallback_message', model: 'claude-opus-4-8', input_tokens: 50, output_tokens: 5 },
      ],
    })
    expect(fallback.subUsage?.map((it) => it.kind)).toEqual(['refused_message', 'fallback_message'])
  })

  test('facts from outside the usage object fill what it lacks and never override it', () => {
    const n = normalizeAnthropicUsage(
      { input_tokens: 1, service_tier: 'standard', server_tool_use: { web_search_requests: 1 } },
      { serviceTier: 'batch', units: { web_searches: 9, grounded_prompts: 1 } },
    )
    expect(n.serviceTier).toBe('standard')
    expect(n.units).toEqual({ web_searches: 1, grounded_prompts: 1 })
  })
})
