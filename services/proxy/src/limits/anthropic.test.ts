import { describe, expect, test } from 'bun:test'
import { readAnthropicLimits } from './anthropic.ts'

const AT = Date.parse('2026-03-02T10:00:00Z')
const map = (o: Record<string, string>) => new Map(Object.entries(o))

describe('readAnthropicLimits', () => {
  test('API-key buckets as documented (limit, remaining, RFC 3339 reset)', () => {
    const r = readAnthropicLimits(
      map({
        'anthropic-ratelimit-requests-limit': '50',
        'anthropic-ratelimit-requests-remaining': '49',
        'anthropic-ratelimit-requests-reset': '2026-03-02T10:00:01Z',
        'anthropic-ratelimit-tokens-limit': '80000',
        'anthropic-ratelimit-tokens-remaining': '8000',
        'anthropic-ratelimit-tokens-reset': '2026-03-02T10:00:06Z',
        'anthropic-ratelimit-input-tokens-limit': '40000',
        'anthropic-ratelimit-input-tokens-remaining': '40000',
        'anthropic-ratelimit-input-tokens-reset': '2026-03-02T10:00:00Z',
        'anthropic-ratelimit-output-tokens-limit': '8000',
        'anthropic-ratelimit-output-tokens-remaining': '0',
        'anthropic-ratelimit-output-tokens-reset': '2026-03-02T10:00:30+00:00',
      }),
      AT,
    )
    expect(r?.status).toBeNull()
    expect(Object.keys(r?.windows ?? {}).sort()).toEqual([
      'input-tokens',
      'output-tokens',
      'requests',
      'tokens',
    ])
    expect(r?.windows.requests).toEqual({
      used: 0.020000000000000018,
      limit: 50,
      remaining: 49,
      resetAt: '2026-03-02T10:00:01.000Z',
      minutes: null,
      status: null,
      unit: 'requests',
      observedAt: '2026-03-02T10:00:00.000Z',
    })
    expect(r?.windows.tokens?.used).toBeCloseTo(0.9, 10)
    expect(r?.windows['output-tokens']).toMatchObject({ used: 1, remaining: 0 })
    expect(r?.windows['output-tokens']?.resetAt).toBe('2026-03-02T10:00:30.000Z')
  })

  test('Claude subscription: unified status and the 5-hour / 7-day windows', () => {
    const r = readAnthropicLimits(
      map({
        'anthropic-ratelimit-unified-status': 'allowed_warning',
        'anthropic-ratelimit-unified-reset': '1772460000',
        'anthropic-ratelimit-unified-representative-claim': 'five_hour',
        'anthropic-ratelimit-unified-5h-utilization': '0.83',
        'anthropic-ratelimit-unified-5h-reset': '1772460000',
        'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
        'anthropic-ratelimit-unified-7d-utilization': '0.41',
        'anthropic-ratelimit-unified-7d-reset': '1772978400',
        'anthropic-ratelimit-unified-7d-status': 'allowed',
        'anthropic-ratelimit-unified-overage-status': 'rejected',
        'anthropic-ratelimit-unified-overage-disabled-reason': 'org_level_disabled',
        'anthropic-ratelimit-unified-fallback': 'available',
        // other families that share the prefix are not windows
        'anthropic-ratelimit-unified-grace-5h-utilization': '0.5',
        'anthropic-ratelimit-unified-slow-budget-utilization': '0.2',
      }),
      AT,
    )
    expect(r?.status).toBe('allowed_warning')
    expect(Object.keys(r?.windows ?? {}).sort()).toEqual([
      'unified-5h',
      'unified-7d',
      'unified-overage',
    ])
    expect(r?.windows['unified-5h']).toEqual({
      used: 0.83,
      limit: null,
      remaining: null,
      resetAt: new Date(1772460000 * 1000).toISOString(),
      minutes: 300,
      status: 'allowed_warning',
      unit: 'usage',
      observedAt: '2026-03-02T10:00:00.000Z',
    })
    expect(r?.windows['unified-7d']).toMatchObject({ used: 0.41, minutes: 10080 })
    expect(r?.windows['unified-overage']).toMatchObject({ used: null, status: 'rejected' })
  })

  test('nothing readable → null; bad values are left out, never thrown', () => {
    expect(readAnthropicLimits(map({ 'content-type': 'application/json' }), AT)).toBeNull()
    const r = readAnthropicLimits(
      map({
        'anthropic-ratelimit-requests-limit': 'lots',
        'anthropic-ratelimit-requests-remaining': '3',
        'anthropic-ratelimit-requests-reset': 'tomorrow',
        'anthropic-ratelimit-unified-5h-utilization': '1e999',
        'anthropic-ratelimit-unified-5h-reset': '12',
        'anthropic-ratelimit-unified-status': 'not a word!',
      }),
      AT,
    )
    expect(r?.windows.requests).toMatchObject({
      limit: null,
      remaining: 3,
      used: null,
      resetAt: null,
    })
    expect(r?.windows['unified-5h']).toBeUndefined()
    expect(r?.status).toBeNull()
  })
})
