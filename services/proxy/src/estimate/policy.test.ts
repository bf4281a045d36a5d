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
    expect(needsEstimate({ ...usage, billable: false }, seen('Hi'), ok)).toBe(false)
    expect(needsEstimate(usage, null, ok)).toBe(false)
    expect(needsEstimate(usage, seen('', ''), ok)).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'upstream_error', status: 429 })).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'failed', status: 502 })).toBe(false)
    expect(needsEstimate(usage, seen(''), { outcome: 'ok', status: 101 })).toBe(false)
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
