// Costs hand-computed from published list prices (stated per case, USD per million tokens),
// which are also the prices bundled in @pydantic/genai-prices 0.1.8.

import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { GENAI_PRICES_VERSION } from './genai.ts'
import { parsePriceOverrides } from './overrides.ts'
import { createPricer, type PriceInput } from './pricer.ts'

const V = GENAI_PRICES_VERSION

function rec(over: Partial<PriceInput> & Pick<PriceInput, 'provider' | 'model'>): PriceInput {
  return {
    startedAt: '2025-11-01T12:00:00.000Z',
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 0,
    credits: null,
    billable: true,
    ...over,
  }
}

const pricer = createPricer({})
const sonnet45 = { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }

describe('genai-prices', () => {
  // Claude Sonnet 4.5: input $3, output $15, cache read $0.30 (0.1×), 5m write $3.75 (1.25×),
  // 1h write $6 (2×).
  test('Claude Sonnet 4.5 with a 5-minute cache write', () => {
    const r = pricer.price(
      rec({ ...sonnet45, inputTokens: 1000, outputTokens: 500, cacheReadTokens: 20_000 }),
    )
    // 1000×3 + 500×15 + 20000×0.3 = 16500 µ$ → $0.0165
    expect(r).toEqual({
      costUsd: 0.0165,
      priceSource: 'genai-prices',
      priceVersion: V,
      unpricedUnits: null,
    })
    const w5 = pricer.price(rec({ ...sonnet45, inputTokens: 1000, cacheWrite5mTokens: 10_000 }))
    // 1000×3 + 10000×3.75 = 3000 + 37500 → $0.0405
    expect(w5.costUsd).toBe(0.0405)
  })

  test('Claude Sonnet 4.5 1-hour cache writes cost 2× input, not 1.25×', () => {
    const w1 = pricer.price(rec({ ...sonnet45, inputTokens: 1000, cacheWrite1hTokens: 10_000 }))
    // 1000×3 + 10000×6 = 63000 → $0.063
    expect(w1.costUsd).toBe(0.063)
    const both = pricer.price(
      rec({ ...sonnet45, outputTokens: 100, cacheWrite5mTokens: 4000, cacheWrite1hTokens: 2000 }),
    )
    // 100×15 + 4000×3.75 + 2000×6 = 1500 + 15000 + 12000 = 28500 → $0.0285
    expect(both.costUsd).toBe(0.0285)
  })

  test('Vertex and Bedrock spellings of Claude', () => {
    const vertex = pricer.price(
      rec({ provider: 'vertex', model: 'claude-sonnet-4-5@20250929', inputTokens: 1000 }),
    )
    expect(vertex.costUsd).toBe(0.003) // 1000 × $3
    // Bedrock's regional (us.) profile lists Sonnet 4.5 at +10%: input $3.30, output $16.50.
    const bedrock = pricer.price(
      rec({
        provider: 'bedrock',
        model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
        inputTokens: 1000,
        outputTokens: 500,
      }),
    )
    expect(bedrock.costUsd).toBe(0.01155) // 3300 + 8250
  })

  // gpt-4o: input $2.50, cached input $1.25, output $10. gpt-5: $1.25, cached $0.125, $10.
  test('OpenAI with cached input (input bucket is the uncached part)', () => {
    const r = pricer.price(
      rec({
        provider: 'openai',
        model: 'gpt-4o-2024-08-06',
        inputTokens: 1000,
        cacheReadTokens: 3000,
        outputTokens: 200,
      }),
    )
    // 1000×2.5 + 3000×1.25 + 200×10 = 2500 + 3750 + 2000 = 8250 → $0.00825
    expect(r.costUsd).toBe(0.00825)
    const gpt5 = pricer.price(
      rec({
        provider: 'openai',
        model: 'gpt-5',
        inputTokens: 2000,
        cacheReadTokens: 8000,
        outputTokens: 1500,
        reasoningTokens: 1200,
      }),
    )
    // 2000×1.25 + 8000×0.125 + 1500×10 (reasoning is inside output) = 2500 + 1000 + 15000
    expect(gpt5.costUsd).toBe(0.0185)
  })

  // Gemini 2.5 Pro: ≤200k prompt: input $1.25, cached $0.125, output $10;
  // >200k prompt: input $2.50, cached $0.25, output $15. The prompt includes cached tokens.
  test('Gemini 2.5 Pro above 200k prompt tokens uses the higher tier for every bucket', () => {
    const long = pricer.price(
      rec({
        provider: 'gemini',
        model: 'gemini-2.5-pro',
        inputTokens: 150_000,
        cacheReadTokens: 100_000,
        outputTokens: 2000,
      }),
    )
    // 150000×2.5 + 100000×0.25 + 2000×15 = 375000 + 25000 + 30000 → $0.43
    expect(long.costUsd).toBe(0.43)
    const at200k = pricer.price(
      rec({
        provider: 'gemini',
        model: 'models/gemini-2.5-pro',
        inputTokens: 150_000,
        cacheReadTokens: 50_000,
        outputTokens: 2000,
      }),
    )
    // exactly 200k is still the base tier: 187500 + 6250 + 20000 → $0.21375
    expect(at200k.costUsd).toBe(0.21375)
  })

  test('historic prices: the price in force at startedAt', () => {
    // genai-prices: Claude Sonnet 4.6 had long-context tiers (>200k: input $6, output $22.50)
    // until 2026-03-13, then a flat $3 / $15.
    const long = { provider: 'anthropic', model: 'claude-sonnet-4-6' }
    const usage = { inputTokens: 250_000, outputTokens: 1000 }
    const before = pricer.price(rec({ ...long, ...usage, startedAt: '2026-03-01T00:00:00Z' }))
    const after = pricer.price(rec({ ...long, ...usage, startedAt: '2026-04-01T00:00:00Z' }))
    expect(before.costUsd).toBe(1.5225) // 250000×6 + 1000×22.5
    expect(after.costUsd).toBe(0.765) // 250000×3 + 1000×15
  })

  test('an invalid startedAt falls back to the injected clock', () => {
    const p = createPricer({ now: () => new Date('2026-03-01T00:00:00Z') })
    const r = p.price(
      rec({
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        inputTokens: 250_000,
        startedAt: 'x',
      }),
    )
    expect(r.costUsd).toBe(1.5)
  })

  test('no float drift: results are rounded to 8 decimals', () => {
    // gpt-5-nano: input $0.05, output $0.40 → 7×0.05 + 3×0.4 = 1.55 µ$ → $0.00000155
    const r = pricer.price(
      rec({ provider: 'openai', model: 'gpt-5-nano', inputTokens: 7, outputTokens: 3 }),
    )
    expect(r.costUsd).toBe(0.00000155)
  })
})

describe('provenance', () => {
  test('unknown model or provider → NULL and "unpriced", never 0', () => {
    const unknownModel = pricer.price(
      rec({ provider: 'openai', model: 'gpt-99-ultra', inputTokens: 5 }),
    )
    expect(unknownModel).toEqual({
      costUsd: null,
      priceSource: 'unpriced',
      priceVersion: V,
      unpricedUnits: null,
    })
    const noModel = pricer.price(rec({ provider: 'anthropic', model: null, inputTokens: 5 }))
    expect(noModel.costUsd).toBeNull()
    expect(noModel.priceSource).toBe('unpriced')
    const unknownHost = pricer.price(
      rec({
        provider: 'llm.example.com',
        host: 'llm.example.com',
        model: 'gpt-4o',
        inputTokens: 5,
      }),
    )
    expect(unknownHost.priceSource).toBe('unpriced')
  })

  test('non-billable → 0 and "free"', () => {
    const r = pricer.price(rec({ ...sonnet45, inputTokens: 9999, billable: false }))
    expect(r).toEqual({ costUsd: 0, priceSource: 'free', priceVersion: null, unpricedUnits: null })
  })

  test('no token counts at all → NULL and "no-usage"', () => {
    const r = pricer.price(
      rec({
        ...sonnet45,
        inputTokens: null,
        outputTokens: null,
        cacheReadTokens: null,
        cacheWrite5mTokens: null,
        cacheWrite1hTokens: null,
        reasoningTokens: null,
      }),
    )
    expect(r).toEqual({
      costUsd: null,
      priceSource: 'no-usage',
      priceVersion: null,
      unpricedUnits: null,
    })
  })

  test('OpenRouter: the cost it reports wins over the table', () => {
    const rawUsage = { prompt_tokens: 5000, completion_tokens: 10, cost: 0.0046185, is_byok: false }
    const r = pricer.price(
      rec({
        provider: 'openrouter',
        model: 'anthropic/claude-sonnet-4.5',
        inputTokens: 5000,
        outputTokens: 10,
        rawUsage: { ...rawUsage, cost_details: { upstream_inference_cost: 0.0046185 } },
      }),
    )
    expect(r).toEqual({
      costUsd: 0.0046185,
      priceSource: 'provider',
      priceVersion: null,
      unpricedUnits: null,
    })
    // BYOK: OpenRouter's fee plus what the upstream charged the user's own key.
    const byok = pricer.price(
      rec({
        provider: 'openrouter',
        model: 'anthropic/claude-sonnet-4.5',
        inputTokens: 5000,
        rawUsage: { cost: 0.0001, is_byok: true, cost_details: { upstream_inference_cost: 0.002 } },
      }),
    )
    expect(byok.costUsd).toBe(0.0021)
    // No cost reported: OpenRouter's table (anthropic/claude-sonnet-4.5: $3 in, $15 out).
    const table = pricer.price(
      rec({ provider: 'openrouter', model: 'anthropic/claude-sonnet-4.5', inputTokens: 1000 }),
    )
    expect(table).toEqual({
      costUsd: 0.003,
      priceSource: 'genai-prices',
      priceVersion: V,
      unpricedUnits: null,
    })
  })

  test('xAI: cost_in_usd_ticks (10^10 per USD)', () => {
    const r = pricer.price(
      rec({
        provider: 'xai',
        model: 'grok-4',
        inputTokens: 10,
        rawUsage: { cost_in_usd_ticks: 37_756_000 },
      }),
    )
    expect(r).toEqual({
      costUsd: 0.0037756,
      priceSource: 'provider',
      priceVersion: null,
      unpricedUnits: null,
    })
  })
})

describe('overrides', () => {
  const overrides = parsePriceOverrides({
    models: [
      {
        provider: 'anthropic',
        model: 'claude-sonnet-4-5*',
        inputPerMTok: 2,
        outputPerMTok: 10,
        cacheReadPerMTok: 0.2,
        cacheWrite5mPerMTok: 2.5,
        cacheWrite1hPerMTok: 4,
      },
      { provider: 'aws', model: 'claude-opus-4-1*', inputPerMTok: 1, outputPerMTok: 1 },
    ],
    credits: [{ provider: 'amazon-q', usdPerCredit: 0.04 }],
  })
  const p = createPricer({ overrides })

  test('a matching glob beats genai-prices', () => {
    const r = p.price(
      rec({
        ...sonnet45,
        inputTokens: 1000,
        outputTokens: 100,
        cacheReadTokens: 10_000,
        cacheWrite5mTokens: 1000,
        cacheWrite1hTokens: 1000,
      }),
    )
    // 1000×2 + 100×10 + 10000×0.2 + 1000×2.5 + 1000×4 = 2000+1000+2000+2500+4000 → $0.0115
    expect(r).toEqual({
      costUsd: 0.0115,
      priceSource: 'override',
      priceVersion: overrides.version,
      unpricedUnits: null,
    })
    expect(overrides.version).toMatch(/^overrides:[0-9a-f]{12}$/)
  })

  test('globs match Bedrock ids by their vendor name and providers by genai id', () => {
    const r = p.price(
      rec({
        provider: 'bedrock',
        model: 'us.anthropic.claude-opus-4-1-20250805-v1:0',
        inputTokens: 1000,
        outputTokens: 1000,
      }),
    )
    expect(r.costUsd).toBe(0.002)
    expect(r.priceSource).toBe('override')
  })

  test('non-matching records still use genai-prices', () => {
    const r = p.price(rec({ provider: 'anthropic', model: 'claude-haiku-4-5', inputTokens: 1000 }))
    expect(r).toEqual({
      costUsd: 0.001,
      priceSource: 'genai-prices',
      priceVersion: V,
      unpricedUnits: null,
    })
  })

  test('credits are priced per credit; without a credit price they are unpriced', () => {
    const r = p.price(rec({ provider: 'amazon-q', model: 'claude-sonnet-4.5', credits: 2.5 }))
    expect(r).toEqual({
      costUsd: 0.1,
      priceSource: 'override',
      priceVersion: overrides.version,
      unpricedUnits: null,
    })
    const none = pricer.price(
      rec({ provider: 'amazon-q', model: 'claude-sonnet-4.5', credits: 2.5 }),
    )
    expect(none).toEqual({
      costUsd: null,
      priceSource: 'unpriced',
      priceVersion: null,
      unpricedUnits: null,
    })
    // Amazon Q token counts are never priced from a token table.
    const tokens = pricer.price(
      rec({ provider: 'amazon-q', model: 'claude-sonnet-4.5', inputTokens: 9 }),
    )
    expect(tokens.costUsd).toBeNull()
  })
})

test('GENAI_PRICES_VERSION names the installed package', () => {
  const entry = Bun.resolveSync('@pydantic/genai-prices', import.meta.dir)
  const pkg = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'))
  expect(GENAI_PRICES_VERSION).toBe(`genai-prices@${pkg.version}`)
})
