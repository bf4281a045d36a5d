// Billed units priced for OpenAI, Gemini / Vertex and Bedrock, and through TOKENTAP_PRICES
// (issue 14): every expected cost below is computed by hand from the provider's published price
// per unit, written as literals with the page they come from — never with the pricer. Where no
// price is published per record (a tier sold as committed capacity, a grounding fee with a
// monthly free allowance), the record is flagged instead of priced. Claude: the -claude file.
//
// Published prices used (USD):
// - OpenAI, developers.openai.com/api/docs/pricing: gpt-5 $1.25 in, $0.125 cached, $10 out per
//   MTok; web search $10 per 1k calls; file search $2.50 per 1k calls; gpt-audio $2.50 text in,
//   $10 text out, $32 audio in, $64 audio out; gpt-realtime $4 text in, $0.40 cached text, $32
//   audio in, $0.40 cached audio. Flex processing "Tokens are priced at Batch API rates" (50%).
// - Google, ai.google.dev/gemini-api/docs/pricing: Gemini 2.5 Flash input $0.30 (text / image /
//   video), $1.00 (audio); context caching $0.03 (text), $0.10 (audio); output $2.50.
// - AWS Bedrock (aws.amazon.com/bedrock/pricing): Claude Sonnet 4.5 global cross-region profile
//   $3.00 in; regional (us., eu., in-region) $3.30 in (+10%).

import { describe, expect, test } from 'bun:test'
import { mtok, usd } from '../providers/testing/billing.ts'
import { parsePriceOverrides } from './overrides.ts'
import { createPricer, type PriceInput } from './pricer.ts'

const pricer = createPricer()

function rec(over: Partial<PriceInput> & Pick<PriceInput, 'provider' | 'model'>): PriceInput {
  return {
    startedAt: '2026-04-01T12:00:00.000Z',
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

describe('OpenAI', () => {
  const gpt5 = { provider: 'openai', model: 'gpt-5' }

  test('web search and file search calls per 1,000', () => {
    const r = pricer.price(
      rec({
        ...gpt5,
        inputTokens: 1000,
        outputTokens: 100,
        units: { web_searches: 2, file_searches: 3 },
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([1000, 1.25], [100, 10]) + 2 * 0.01 + 3 * 0.0025))
    expect(r.unpricedUnits).toBeNull()
  })

  test('flex halves tokens (not tool fees); priority and scale are flagged', () => {
    const flex = pricer.price(
      rec({
        ...gpt5,
        inputTokens: 1000,
        cacheReadTokens: 4000,
        outputTokens: 100,
        serviceTier: 'flex',
        units: { web_searches: 1 },
      }),
    )
    expect(flex.costUsd).toBe(usd(mtok([1000, 1.25], [4000, 0.125], [100, 10]) * 0.5 + 0.01))
    for (const tier of ['default', 'auto']) {
      const r = pricer.price(rec({ ...gpt5, inputTokens: 1000, serviceTier: tier }))
      expect(r.costUsd).toBe(usd(mtok([1000, 1.25])))
    }
    for (const tier of ['priority', 'scale']) {
      const r = pricer.price(rec({ ...gpt5, inputTokens: 1000, serviceTier: tier }))
      expect([r.costUsd, r.unpricedUnits]).toEqual([null, [`service_tier:${tier}`]])
    }
  })

  test('a code interpreter container has no per-call price in the table: flagged', () => {
    const r = pricer.price(
      rec({ ...gpt5, inputTokens: 1000, units: { code_interpreter_calls: 1, web_searches: 1 } }),
    )
    expect(r.costUsd).toBe(usd(mtok([1000, 1.25]) + 0.01))
    expect(r.unpricedUnits).toEqual(['code_interpreter_calls'])
  })

  test('audio tokens at audio rates (gpt-audio)', () => {
    // 1000 input tokens of which 600 audio; 500 output of which 400 audio.
    const r = pricer.price(
      rec({
        provider: 'openai',
        model: 'gpt-audio',
        inputTokens: 1000,
        outputTokens: 500,
        units: { input_audio_tokens: 600, output_audio_tokens: 400 },
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([400, 2.5], [600, 32], [100, 10], [400, 64])))
  })

  test('cached audio at the cached audio rate (gpt-realtime)', () => {
    // Input 1000 = 400 uncached + 600 cached; audio 800 of it, 500 of which cached.
    const r = pricer.price(
      rec({
        provider: 'openai',
        model: 'gpt-realtime',
        inputTokens: 400,
        cacheReadTokens: 600,
        units: { input_audio_tokens: 800, cache_audio_read_tokens: 500 },
      }),
    )
    // uncached text 100 × $4, uncached audio 300 × $32, cached text 100 × $0.40, cached audio
    // 500 × $0.40.
    expect(r.costUsd).toBe(usd(mtok([100, 4], [300, 32], [100, 0.4], [500, 0.4])))
  })

  test('inconsistent modality counts are clamped, never thrown', () => {
    const r = pricer.price(
      rec({
        provider: 'openai',
        model: 'gpt-audio',
        inputTokens: 100,
        outputTokens: 10,
        units: { input_audio_tokens: 5000, output_audio_tokens: 50 },
      }),
    )
    // All 100 input tokens and all 10 output tokens are audio.
    expect(r.costUsd).toBe(usd(mtok([100, 32], [10, 64])))
  })

  test('a provider-reported cost stands, units included', () => {
    const r = pricer.price(
      rec({
        provider: 'openrouter',
        model: 'openai/gpt-5',
        inputTokens: 10,
        units: { web_searches: 4 },
        rawUsage: { cost: 0.0421 },
      }),
    )
    expect(r).toEqual({
      costUsd: 0.0421,
      priceSource: 'provider',
      priceVersion: null,
      unpricedUnits: null,
    })
  })
})

describe('Gemini and Vertex', () => {
  test('audio input and cached audio at Gemini 2.5 Flash audio rates', () => {
    // prompt 1500 = 1000 uncached + 500 cached; audio 800 of the prompt, 300 of the cache.
    const r = pricer.price(
      rec({
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        inputTokens: 1000,
        cacheReadTokens: 500,
        outputTokens: 200,
        units: { input_audio_tokens: 800, cache_audio_read_tokens: 300 },
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([500, 0.3], [500, 1], [200, 0.03], [300, 0.1], [200, 2.5])))
  })

  test('grounding has no per-record price (free allowances): flagged, tokens priced', () => {
    const r = pricer.price(
      rec({
        provider: 'gemini',
        model: 'gemini-2.5-flash',
        inputTokens: 1000,
        units: { web_searches: 2, grounded_prompts: 1 },
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([1000, 0.3])))
    expect(r.unpricedUnits).toEqual(['grounded_prompts', 'web_searches'])
  })

  test('Vertex flex traffic is half price; provisioned throughput is flagged', () => {
    const flex = pricer.price(
      rec({
        provider: 'vertex',
        model: 'gemini-2.5-flash',
        inputTokens: 1000,
        outputTokens: 100,
        serviceTier: 'ON_DEMAND_FLEX',
      }),
    )
    expect(flex.costUsd).toBe(usd(mtok([1000, 0.3], [100, 2.5]) * 0.5))
    const pt = pricer.price(
      rec({
        provider: 'vertex',
        model: 'gemini-2.5-flash',
        inputTokens: 1000,
        serviceTier: 'PROVISIONED_THROUGHPUT',
      }),
    )
    expect(pt.unpricedUnits).toEqual(['service_tier:provisioned_throughput'])
  })
})

describe('Bedrock', () => {
  test('global and regional profiles price apart; an opaque ARN stays unpriced', () => {
    // A geography prefix the table does not list (`ca.`) is a regional profile all the same.
    const bedrock = (model: string) =>
      pricer.price(rec({ provider: 'bedrock', model, inputTokens: 1000 })).costUsd
    expect(bedrock('global.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(usd(mtok([1000, 3])))
    for (const prefix of ['us.', 'eu.', 'apac.', 'jp.', 'us-gov.', 'ca.', '']) {
      expect(bedrock(`${prefix}anthropic.claude-sonnet-4-5-20250929-v1:0`)).toBe(
        usd(mtok([1000, 3.3])),
      )
    }
    expect(
      bedrock('arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3'),
    ).toBeNull()
  })

  test('a Bedrock tier without a published rule is flagged', () => {
    const r = pricer.price(
      rec({
        provider: 'bedrock',
        model: 'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
        inputTokens: 1000,
        serviceTier: 'flex',
      }),
    )
    expect(r.unpricedUnits).toEqual(['service_tier:flex'])
  })
})

describe('TOKENTAP_PRICES for billed units', () => {
  const overrides = parsePriceOverrides({
    models: [
      {
        provider: 'openai',
        model: 'gpt-5*',
        serviceTier: 'priority',
        inputPerMTok: 2.5,
        outputPerMTok: 20,
        perUnit: { web_searches: 0.008 },
      },
      {
        provider: 'openai',
        model: 'gpt-audio*',
        inputPerMTok: 2,
        outputPerMTok: 8,
        perMTok: { input_audio_tokens: 30, output_audio_tokens: 60 },
      },
    ],
  })
  const p = createPricer({ overrides })

  test('a tier-specific entry prices that tier, with its own tool price', () => {
    const r = p.price(
      rec({
        provider: 'openai',
        model: 'gpt-5',
        inputTokens: 1000,
        outputTokens: 100,
        serviceTier: 'priority',
        units: { web_searches: 5, file_searches: 1 },
      }),
    )
    expect(r).toEqual({
      costUsd: usd(mtok([1000, 2.5], [100, 20]) + 5 * 0.008),
      priceSource: 'override',
      priceVersion: overrides.version,
      unpricedUnits: ['file_searches'],
    })
    // The same model at the default tier is not this entry's: genai-prices.
    const standard = p.price(rec({ provider: 'openai', model: 'gpt-5', inputTokens: 1000 }))
    expect(standard.priceSource).toBe('genai-prices')
  })

  test('modality parts at their own negotiated rates, the rest at the bucket rate', () => {
    const r = p.price(
      rec({
        provider: 'openai',
        model: 'gpt-audio',
        inputTokens: 1000,
        outputTokens: 500,
        units: { input_audio_tokens: 600, output_audio_tokens: 400 },
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([400, 2], [600, 30], [100, 8], [400, 60])))
  })
})
