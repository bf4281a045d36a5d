// Billed units priced for Claude (issue 14): every expected cost below is computed by hand from
// Anthropic's published price per unit, written as literals with the page they come from — never
// with the pricer. Where no price is published per record (Priority Tier is committed capacity,
// fast mode a per-model premium), the record is flagged instead of priced.
//
// Published prices used (USD), platform.claude.com/docs/en/about-claude/pricing: Claude Sonnet
// 4.5 and 4.6 $3 in, $3.75 5-minute cache write, $0.30 cache read, $15 out per MTok, Sonnet 4.5
// $6 / $22.50 past 200k input tokens; Opus 4.6 / 4.8 $5 in, $25 out; Opus 4.1 $15 / $75; web
// search $10 per 1,000 searches; web fetch "no additional charges beyond standard token costs";
// Batch API 50% off. Data residency (build-with-claude/data-residency): `inference_geo: "us"`
// is 1.1x on Opus 4.6 and newer, older models unchanged.

import { describe, expect, test } from 'bun:test'
import { mtok, usd } from '../providers/testing/billing.ts'
import { GENAI_PRICES_VERSION } from './genai.ts'
import { createPricer, type PriceInput } from './pricer.ts'

const V = GENAI_PRICES_VERSION
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

const sonnet45 = { provider: 'anthropic', model: 'claude-sonnet-4-5-20250929' }

describe('Anthropic', () => {
  test('web searches at $10 per 1,000; web fetches free; thinking is part of output', () => {
    const r = pricer.price(
      rec({
        ...sonnet45,
        inputTokens: 1000,
        outputTokens: 500,
        reasoningTokens: 300,
        units: { web_searches: 3, web_fetches: 2 },
      }),
    )
    const expected = mtok([1000, 3], [500, 15]) + 3 * (10 / 1000)
    expect(r).toEqual({
      costUsd: usd(expected),
      priceSource: 'genai-prices',
      priceVersion: V,
      unpricedUnits: null,
    })
  })

  test('a server tool without a price: the tokens priced, the tool named, never $0', () => {
    const r = pricer.price(
      rec({ ...sonnet45, inputTokens: 1000, units: { code_execution_requests: 1 } }),
    )
    expect(r.costUsd).toBe(usd(mtok([1000, 3])))
    expect(r.unpricedUnits).toEqual(['code_execution_requests'])
    expect(r.priceSource).toBe('genai-prices')
  })

  test('US-only inference is 1.1× the token price on Opus 4.6, not on Opus 4.1', () => {
    const opus46 = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-opus-4-6',
        inputTokens: 1000,
        outputTokens: 200,
        inferenceGeo: 'us',
        units: { web_searches: 2 },
      }),
    )
    // The multiplier scales tokens, not the search fee.
    expect(opus46.costUsd).toBe(usd(mtok([1000, 5], [200, 25]) * 1.1 + 2 * 0.01))
    const global = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-opus-4-6',
        inputTokens: 1000,
        outputTokens: 200,
      }),
    )
    expect(global.costUsd).toBe(usd(mtok([1000, 5], [200, 25])))
    const opus41 = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-opus-4-1-20250805',
        inputTokens: 1000,
        outputTokens: 200,
        inferenceGeo: 'us',
      }),
    )
    expect(opus41.costUsd).toBe(usd(mtok([1000, 15], [200, 75])))
  })

  test('batch is half price; priority (committed capacity) and fast mode are flagged', () => {
    const batch = pricer.price(
      rec({ ...sonnet45, inputTokens: 1000, outputTokens: 500, serviceTier: 'batch' }),
    )
    expect(batch.costUsd).toBe(usd(mtok([1000, 3], [500, 15]) * 0.5))
    const priority = pricer.price(rec({ ...sonnet45, inputTokens: 1000, serviceTier: 'priority' }))
    expect(priority).toEqual({
      costUsd: null,
      priceSource: 'unpriced',
      priceVersion: V,
      unpricedUnits: ['service_tier:priority'],
    })
    const standard = pricer.price(rec({ ...sonnet45, inputTokens: 1000, serviceTier: 'standard' }))
    expect(standard.costUsd).toBe(usd(mtok([1000, 3])))
    const fast = pricer.price(
      rec({ provider: 'anthropic', model: 'claude-opus-4-6', inputTokens: 10, speed: 'fast' }),
    )
    expect(fast.costUsd).toBeNull()
    expect(fast.unpricedUnits).toEqual(['speed:fast'])
  })

  test('compaction iterations: summed into the buckets, priced one by one (tiers per iteration)', () => {
    // Sonnet 4.5 charges $6 / $22.50 past 200k input tokens (same page, long context). Neither
    // iteration passes 200k; their sum (210k) would. The buckets hold the sum (the top level,
    // 30k / 1k, plus the compaction iteration, 180k / 3.5k).
    const iteration = (kind: string, input: number, output: number) => ({
      kind,
      model: null,
      inputTokens: input,
      outputTokens: output,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    })
    const r = pricer.price(
      rec({
        ...sonnet45,
        startedAt: '2025-11-01T12:00:00.000Z',
        inputTokens: 210_000,
        outputTokens: 4_500,
        units: { web_searches: 1 },
        subUsage: [iteration('compaction', 180_000, 3_500), iteration('message', 30_000, 1_000)],
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([180_000, 3], [3_500, 15], [30_000, 3], [1_000, 15]) + 0.01))
    expect(r.unpricedUnits).toBeNull()
  })

  test('an iteration without the cache-write split: no written token priced twice', () => {
    // The top level splits 1,000 written tokens as 1h; the one message iteration reports the
    // same 1,000 without the split (priced at the 5m rate, $3.75): the rest holds no writes.
    const r = pricer.price(
      rec({
        ...sonnet45,
        startedAt: '2025-11-01T12:00:00.000Z',
        inputTokens: 100,
        cacheWrite1hTokens: 1000,
        subUsage: [
          {
            kind: 'message',
            model: null,
            inputTokens: 100,
            outputTokens: 0,
            cacheReadTokens: 0,
            cacheWrite5mTokens: 1000,
            cacheWrite1hTokens: 0,
          },
        ],
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([100, 3], [1000, 3.75])))
  })

  test('advisor iterations at the advisor model rates; refused hops flagged', () => {
    const advisor = {
      kind: 'advisor_message',
      model: 'claude-opus-4-8',
      inputTokens: 3000,
      outputTokens: 500,
      cacheReadTokens: 0,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 0,
    }
    const r = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        inputTokens: 1000,
        outputTokens: 200,
        subUsage: [advisor],
      }),
    )
    expect(r.costUsd).toBe(usd(mtok([1000, 3], [200, 15]) + mtok([3000, 5], [500, 25])))
    expect(r.unpricedUnits).toBeNull()
    const refused = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        inputTokens: 1000,
        subUsage: [{ ...advisor, kind: 'refused_message', model: 'claude-fable-5' }],
      }),
    )
    expect(refused.costUsd).toBe(usd(mtok([1000, 3])))
    expect(refused.unpricedUnits).toEqual(['refused_message:claude-fable-5'])
    const unknown = pricer.price(
      rec({
        provider: 'anthropic',
        model: 'claude-sonnet-4-6',
        inputTokens: 1000,
        subUsage: [{ ...advisor, model: 'claude-mystery-9' }],
      }),
    )
    expect(unknown.unpricedUnits).toEqual(['advisor_message:claude-mystery-9'])
  })
})
