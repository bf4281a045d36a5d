import { describe, expect, test } from 'bun:test'
import { createLoginLimiter } from './rate-limit.ts'

describe('login limiter', () => {
  test('max failures per window per address; ages out; success resets', () => {
    let now = 0
    const l = createLoginLimiter({ max: 2, windowS: 10, now: () => now })
    expect(l.retryAfterS('a')).toBe(0)
    l.fail('a')
    now = 4_000
    l.fail('a')
    expect(l.retryAfterS('a')).toBe(6)
    expect(l.retryAfterS('b')).toBe(0)
    now = 10_001
    expect(l.retryAfterS('a')).toBe(0)
    l.fail('a')
    expect(l.retryAfterS('a')).toBe(4)
    l.succeed('a')
    expect(l.retryAfterS('a')).toBe(0)
  })
})
