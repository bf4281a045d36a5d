import { describe, expect, test } from 'bun:test'
import { ConfigError } from '@tokentap/shared'
import type { AccountLimits, LimitWindow } from '@tokentap/shared/accounts'
import {
  apiKeyKey,
  freshRateLimitRun,
  parseApiKeyKey,
  parseLimitKey,
  parseLimitThresholds,
  parseRateLimitedKey,
  rateLimitedKey,
  windowCrossings,
} from './limit-decide.ts'

const NOW = new Date('2026-03-02T10:00:00Z')
const w = (o: Partial<LimitWindow>): LimitWindow => ({
  used: null,
  limit: null,
  remaining: null,
  resetAt: null,
  minutes: null,
  status: null,
  unit: 'usage',
  observedAt: '2026-03-02T09:59:00.000Z',
  ...o,
})
const account = (o: Partial<AccountLimits> = {}): AccountLimits => ({
  account: 'abcdef0123456789abcd',
  provider: 'anthropic',
  billingKind: 'subscription',
  lastUser: 'alice',
  firstSeenAt: '2026-03-01T00:00:00.000Z',
  lastSeenAt: '2026-03-02T09:59:00.000Z',
  windows: {},
  status: null,
  observedAt: null,
  count429: 0,
  last429At: null,
  limitedSince: null,
  ...o,
})

describe('LIMIT_ALERT_THRESHOLDS', () => {
  test('percentages → sorted fractions; off; default 80, 95', () => {
    expect(parseLimitThresholds(undefined)).toEqual([0.8, 0.95])
    expect(parseLimitThresholds('95, 50%,50')).toEqual([0.5, 0.95])
    expect(parseLimitThresholds('off')).toEqual([])
    expect(parseLimitThresholds('100')).toEqual([1])
  })
  test('bad values name the variable', () => {
    for (const bad of ['0', '120', 'eighty', '80,,95', '-5']) {
      expect(() => parseLimitThresholds(bad)).toThrow(ConfigError)
      expect(() => parseLimitThresholds(bad)).toThrow(/LIMIT_ALERT_THRESHOLDS/)
    }
  })
})

describe('windowCrossings', () => {
  test('usage windows past thresholds, keyed by their reset; API buckets and reset windows never', () => {
    const a = account({
      windows: {
        'unified-5h': w({ used: 0.96, resetAt: '2026-03-02T12:00:42.000Z' }),
        'unified-7d': w({ used: 0.5, resetAt: '2026-03-05T00:00:00.000Z' }),
        'codex-primary': w({ used: 0.8, resetAt: '2026-03-02T09:00:00.000Z' }), // reset since
        tokens: w({ used: 1, unit: 'tokens', limit: 10, remaining: 0 }),
        'codex-credits': w({ unit: 'credits', status: 'none' }),
      },
    })
    const c = windowCrossings(a, [0.8, 0.95], NOW)
    expect(c.map((x) => [x.name, x.crossed, x.budget, x.windowStart.toISOString()])).toEqual([
      [
        'unified-5h',
        [0.8, 0.95],
        '__limit:abcdef0123456789abcd:unified-5h',
        '2026-03-02T12:00:00.000Z',
      ],
    ])
  })
  test('exactly at a threshold counts; a window without reset is keyed by its day', () => {
    const c = windowCrossings(
      account({ windows: { 'codex-primary': w({ used: 0.8 }) } }),
      [0.8],
      NOW,
    )
    expect(c[0]?.windowStart.toISOString()).toBe('2026-03-02T00:00:00.000Z')
  })
})

describe('rate-limit runs and keys', () => {
  test('a run is fresh for an hour after it started', () => {
    const limited = account({
      limitedSince: '2026-03-02T09:30:00.000Z',
      last429At: '2026-03-02T09:59:00.000Z',
    })
    expect(freshRateLimitRun(limited, NOW)?.toISOString()).toBe('2026-03-02T09:30:00.000Z')
    expect(freshRateLimitRun(limited, new Date('2026-03-02T11:00:01Z'))).toBeNull()
    expect(freshRateLimitRun(account(), NOW)).toBeNull()
  })
  test('keys round-trip, whatever a user name holds', () => {
    expect(parseLimitKey('__limit:abc:unified-7d_oi')).toEqual({
      account: 'abc',
      window: 'unified-7d_oi',
    })
    expect(parseLimitKey('__limit:abc')).toBeNull()
    expect(parseLimitKey('team-daily')).toBeNull()
    expect(parseRateLimitedKey(rateLimitedKey('abc'))).toBe('abc')
    expect(parseRateLimitedKey('__ratelimited:')).toBeNull()
    for (const user of ['alice', 'a:b"c', null]) {
      expect(parseApiKeyKey(apiKeyKey('anthropic', user))).toEqual({ provider: 'anthropic', user })
    }
    expect(parseApiKeyKey('__apikey:[1,2]')).toBeNull()
    expect(parseApiKeyKey('__apikey:{')).toBeNull()
  })
})
