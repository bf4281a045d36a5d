import { describe, expect, test } from 'bun:test'
import { readOpenAiLimits } from './openai.ts'

const AT = Date.parse('2026-03-02T10:00:00Z')
const map = (o: Record<string, string>) => new Map(Object.entries(o))

describe('readOpenAiLimits', () => {
  test('the documented headers; resets are durations from the response', () => {
    const r = readOpenAiLimits(
      map({
        'x-ratelimit-limit-requests': '60',
        'x-ratelimit-limit-tokens': '150000',
        'x-ratelimit-remaining-requests': '59',
        'x-ratelimit-remaining-tokens': '149984',
        'x-ratelimit-reset-requests': '1s',
        'x-ratelimit-reset-tokens': '6m0s',
      }),
      AT,
    )
    expect(r?.windows.requests).toMatchObject({
      limit: 60,
      remaining: 59,
      resetAt: '2026-03-02T10:00:01.000Z',
      unit: 'requests',
    })
    expect(r?.windows.requests?.used).toBeCloseTo(1 / 60, 10)
    expect(r?.windows.tokens).toMatchObject({
      limit: 150000,
      remaining: 149984,
      resetAt: '2026-03-02T10:06:00.000Z',
    })
  })

  test('hours, milliseconds and fractions; junk resets are left out', () => {
    const r = readOpenAiLimits(
      map({
        'x-ratelimit-remaining-requests': '0',
        'x-ratelimit-limit-requests': '10',
        'x-ratelimit-reset-requests': '1h2m3.5s',
        'x-ratelimit-remaining-tokens': '5',
        'x-ratelimit-reset-tokens': '20ms',
      }),
      AT,
    )
    expect(r?.windows.requests).toMatchObject({ used: 1, resetAt: '2026-03-02T11:02:03.500Z' })
    expect(r?.windows.tokens).toMatchObject({ limit: null, used: null })
    expect(r?.windows.tokens?.resetAt).toBe('2026-03-02T10:00:00.020Z')
    const junk = readOpenAiLimits(
      map({ 'x-ratelimit-limit-tokens': '10', 'x-ratelimit-reset-tokens': '6 minutes' }),
      AT,
    )
    expect(junk?.windows.tokens?.resetAt).toBeNull()
    expect(readOpenAiLimits(map({ 'x-request-id': 'req_1' }), AT)).toBeNull()
  })
})
