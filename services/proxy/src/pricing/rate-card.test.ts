import { describe, expect, test } from 'bun:test'
import type { Buckets } from './genai.ts'
import { applyPlan, type CountUsage, type Evaluate, learnPlan, ZERO_BUCKETS } from './rate-card.ts'

type Price = Record<string, unknown>

/** A small stand-in for genai-prices: leaves (input less cache reads and writes, writes less
 *  the 1h part when it has a price, output less reasoning when it has one), rate × leaf / per
 *  per key in key order, a request fee, tiers on the total input. */
const fake: Evaluate = (price, b, counts) => {
  const rate = (k: string, total: number): number => {
    const v = price[k]
    if (typeof v === 'number') return v
    const t = v as { base: number; tiers: { start: number; price: number }[] }
    let r = t.base
    for (const x of t.tiers) if (total > x.start) r = x.price
    return r
  }
  const writes = b.cacheWrite5mTokens + b.cacheWrite1hTokens
  const total = b.inputTokens + b.cacheReadTokens + writes
  const reasoning = Math.min(b.reasoningTokens, b.outputTokens)
  const has1h = 'cache_write_1h_mtok' in price
  const hasReasoning = 'output_reasoning_mtok' in price
  const leaves: Record<string, [number, number, 'input' | 'output' | 'other']> = {
    input_mtok: [total - b.cacheReadTokens - writes, 1e6, 'input'],
    cache_read_mtok: [b.cacheReadTokens, 1e6, 'input'],
    cache_write_mtok: [has1h ? b.cacheWrite5mTokens : writes, 1e6, 'input'],
    cache_write_1h_mtok: [b.cacheWrite1hTokens, 1e6, 'input'],
    output_mtok: [hasReasoning ? b.outputTokens - reasoning : b.outputTokens, 1e6, 'output'],
    output_reasoning_mtok: [reasoning, 1e6, 'output'],
    web_searches_kcount: [counts.web_searches ?? 0, 1000, 'other'],
    requests_kcount: [1, 1000, 'other'],
  }
  const sums = { input: 0, output: 0, total: 0 }
  let other = 0
  for (const k of Object.keys(price)) {
    const leaf = leaves[k]
    if (!leaf) continue
    const v = (rate(k, total) * leaf[0]) / leaf[1]
    if (leaf[2] === 'input') sums.input += v
    else if (leaf[2] === 'output') sums.output += v
    else other += v
  }
  sums.total = sums.input + sums.output + other
  return sums
}

const PRICE: Price = {
  input_mtok: 3,
  cache_read_mtok: 0.3,
  cache_write_mtok: 3.75,
  cache_write_1h_mtok: 6,
  output_mtok: 15,
  output_reasoning_mtok: 20,
  web_searches_kcount: 10,
  requests_kcount: 5,
}

const B: Buckets = {
  inputTokens: 1201,
  outputTokens: 803,
  cacheReadTokens: 40_007,
  cacheWrite5mTokens: 2003,
  cacheWrite1hTokens: 509,
  reasoningTokens: 301,
}

function both(price: Price, b: Buckets, counts: CountUsage = {}) {
  const plan = learnPlan(price, fake)
  expect(plan).not.toBeNull()
  return { got: applyPlan(plan!, price, b, counts), want: fake(price, b, counts) }
}

describe('learnPlan / applyPlan', () => {
  test('replays the price it learnt from, to the same doubles', () => {
    const { got, want } = both(PRICE, B, { web_searches: 3 })
    expect(got).toEqual(want!)
  })

  test('which keys a price has changes the leaves (1h writes at the write rate without one)', () => {
    const { cache_write_1h_mtok: _1h, output_reasoning_mtok: _r, ...fewer } = PRICE
    const { got, want } = both(fewer, B)
    expect(got).toEqual(want!)
    expect(got.input).toBe((3 * 1201) / 1e6 + (0.3 * 40_007) / 1e6 + (3.75 * 2512) / 1e6)
  })

  test('reasoning beyond the output is clamped to it', () => {
    const b = { ...ZERO_BUCKETS, outputTokens: 100, reasoningTokens: 500 }
    const { got, want } = both(PRICE, b)
    expect(got).toEqual(want!)
    expect(got.output).toBe((20 * 100) / 1e6)
  })

  test('the request fee is a constant leaf', () => {
    const { got } = both({ requests_kcount: 5 }, ZERO_BUCKETS)
    expect(got).toEqual({ input: 0, output: 0, total: 5 / 1000 })
  })

  test('rates come from the price applied, tiers chosen on the total input', () => {
    const tiered: Price = {
      input_mtok: { base: 3, tiers: [{ start: 200_000, price: 6 }] },
      output_mtok: { base: 15, tiers: [{ start: 200_000, price: 22.5 }] },
    }
    const plan = learnPlan(tiered, fake)!
    const at = (input: number) =>
      applyPlan(plan, tiered, { ...ZERO_BUCKETS, inputTokens: input, outputTokens: 1000 }, {})
    expect(at(200_000).total).toBe((3 * 200_000) / 1e6 + (15 * 1000) / 1e6)
    expect(at(200_001).total).toBe((6 * 200_001) / 1e6 + (22.5 * 1000) / 1e6)
  })

  test('no price: no plan', () => {
    expect(learnPlan(PRICE, () => null)).toBeNull()
  })

  test('a price that vanishes while probing is an error (the caller goes direct)', () => {
    let calls = 0
    const flaky: Evaluate = (p, b, c) => (calls++ < 2 ? fake(p, b, c) : null)
    expect(() => learnPlan(PRICE, flaky)).toThrow()
  })
})
