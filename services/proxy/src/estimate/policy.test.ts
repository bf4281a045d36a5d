// Which records are estimated, and how an estimate (or its failure) lands on the record.

import { describe, expect, test } from 'bun:test'
import type { ParsedUsage, SeenText } from '@tokentap/shared'
import { applyEstimate, needsEstimate } from './policy.ts'

const usage: ParsedUsage = {
  provider: 'openai',
  model: 'gpt-4o',
  usageSource: 'none',
  billable: true,
  parseError: null,
  inputTokens: null,
  outputTokens: null,
}
const seen = (output: string, request = '{"messages":[]}'): SeenText => ({
  request: { text: request, scale: 1, whole: true },
  output: { text: output, scale: 1 },
})
const ok = { outcome: 'ok', status: 200 } as const

describe('needsEstimate', () => {
  test('billable, no usage, something seen', () => {
    expect(needsEstimate(usage, seen('Hi'), ok)).toBe(true)
    expect(needsEstimate(usage, seen('Hi'), { outcome: 'aborted', status: 200 })).toBe(true)
    expect(needsEstimate(usage, seen('Hi'), { outcome: 'failed', status: null })).toBe(true)
    // No output yet, but the provider took the request.
    expect(needsEstimate(usage, seen(''), ok)).toBe(true)
    expect(needsEstimate(usage, seen(''), { outcome: 'aborted', status: null })).toBe(true)
  })

  test('not: provider or partial usage, not billable, no text, errors without output', () => {
    expect(needsEstimate({ ...usage, usageSource: 'provider' }, seen('Hi'), ok)).toBe(false)
    expect(needsEstimate({ ...usage, usageSource: 'partial' }, seen('Hi'), ok)).toBe(false)
    const aborted = { outcome: 'aborted', status: 200 } as const
    expect(needsEstimate({ ...usage, usageSource: 'partial' }, seen(''), aborted)).toBe(false)
    expect(needsEstimate({ ...usage, billable: false }, seen('Hi'), ok)).toBe(false)
    expect(needsEstimate(usage, null, ok)).toBe(false)
    expect(needsEstimate(usage, seen('', ''), ok)).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'upstream_error', status: 429 })).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'failed', status: 502 })).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'ok', status: 101 })).toBe(false)
  })
})

describe('partial usage of an aborted stream', () => {
  const partial: ParsedUsage = {
    ...usage,
    usageSource: 'partial',
    inputTokens: 1200,
    cacheReadTokens: 800,
    outputTokens: 1,
  }
  const aborted = { outcome: 'aborted', status: 200 } as const

  test('is topped up: reported buckets kept, output from the text seen', () => {
    expect(needsEstimate(partial, seen('Hello there'), aborted)).toBe(true)
    const r = applyEstimate(partial, seen('Hello there'), {
      ok: true,
      result: { inputTokens: 9, outputTokens: 40, notes: [] },
    })
    expect(r).toMatchObject({
      usageSource: 'estimated',
      inputTokens: 1200,
      cacheReadTokens: 800,
      outputTokens: 40,
    })
    expect(r.parseError).toContain('reported 1 before the stream ended')
  })

  test('keeps the reported output when the estimate is not larger', () => {
    const r = applyEstimate({ ...partial, outputTokens: 50 }, seen('Hi'), {
      ok: true,
      result: { inputTokens: 9, outputTokens: 2, notes: [] },
    })
    expect(r).toEqual({ ...partial, outputTokens: 50 })
  })
})

describe('applyEstimate', () => {
  test('tokens in the input and output buckets, usageSource estimated, reason and notes kept', () => {
    const s = { ...seen('Hi'), reason: 'stream without usage' }
    const r = applyEstimate({ ...usage, cacheReadTokens: 5 }, s, {
      ok: true,
      result: { inputTokens: 7, outputTokens: 3, notes: ['output scaled'] },
    })
    expect(r).toMatchObject({
      usageSource: 'estimated',
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: null,
      reasoningTokens: null,
      parseError: 'stream without usage: tokens estimated; output scaled',
    })
  })

  test('a failed estimate leaves the usage unknown and says why', () => {
    const r = applyEstimate({ ...usage, parseError: 'invalid JSON chunk' }, seen('Hi'), {
      ok: false,
      reason: 'estimator timed out after 30000 ms',
    })
    expect(r).toMatchObject({
      usageSource: 'none',
      inputTokens: null,
      parseError: 'invalid JSON chunk; no estimate: estimator timed out after 30000 ms',
    })
  })
})
