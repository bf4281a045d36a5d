import { describe, expect, test } from 'bun:test'
import { readCodexLimits, readCodexRateLimitEvent } from './codex.ts'

const AT = Date.parse('2026-03-02T10:00:00Z')
const map = (o: Record<string, string>) => new Map(Object.entries(o))

describe('readCodexLimits (ChatGPT sign-in headers)', () => {
  test('primary and secondary windows, credits', () => {
    const r = readCodexLimits(
      map({
        'x-codex-primary-used-percent': '12.5',
        'x-codex-primary-window-minutes': '300',
        'x-codex-primary-reset-at': '1772460000',
        'x-codex-secondary-used-percent': '81',
        'x-codex-secondary-window-minutes': '10080',
        'x-codex-secondary-reset-at': '1772978400',
        'x-codex-credits-has-credits': 'true',
        'x-codex-credits-unlimited': 'false',
        'x-codex-credits-balance': '12.50',
      }),
      AT,
    )
    expect(r?.windows['codex-primary']).toEqual({
      used: 0.125,
      limit: null,
      remaining: null,
      resetAt: new Date(1772460000 * 1000).toISOString(),
      minutes: 300,
      status: null,
      unit: 'usage',
      observedAt: '2026-03-02T10:00:00.000Z',
    })
    expect(r?.windows['codex-secondary']).toMatchObject({ used: 0.81, minutes: 10080 })
    expect(r?.windows['codex-credits']).toMatchObject({
      remaining: 12.5,
      status: 'available',
      unit: 'credits',
    })
  })

  test('other metered limits; a 0 % window without length or reset is no window', () => {
    const r = readCodexLimits(
      map({
        'x-codex-primary-used-percent': '0',
        'x-codex-other-primary-used-percent': '80',
        'x-codex-other-primary-window-minutes': '1440',
        'x-codex-other-primary-reset-after-seconds': '90',
        'x-codex-credits-has-credits': '0',
        'x-codex-credits-unlimited': '1',
      }),
      AT,
    )
    expect(Object.keys(r?.windows ?? {}).sort()).toEqual(['codex-credits', 'codex_other-primary'])
    expect(r?.windows['codex_other-primary']).toMatchObject({
      used: 0.8,
      minutes: 1440,
      resetAt: '2026-03-02T10:01:30.000Z',
    })
    expect(r?.windows['codex-credits']?.status).toBe('unlimited')
    expect(readCodexLimits(map({ 'x-codex-credits-has-credits': 'yes' }), AT)).toBeNull()
  })
})

describe('readCodexRateLimitEvent (Responses WebSocket)', () => {
  test('a codex.rate_limits event', () => {
    const r = readCodexRateLimitEvent(
      {
        type: 'codex.rate_limits',
        plan_type: 'plus',
        rate_limits: {
          primary: { used_percent: 42, window_minutes: 300, reset_at: 1772460000 },
          secondary: { used_percent: 7.5, window_minutes: 10080, reset_at: 1772978400 },
        },
        credits: { has_credits: false, unlimited: false, balance: null },
        metered_limit_name: 'codex',
      },
      AT,
    )
    expect(r?.windows['codex-primary']).toMatchObject({ used: 0.42, minutes: 300 })
    expect(r?.windows['codex-secondary']).toMatchObject({ used: 0.075, minutes: 10080 })
    expect(r?.windows['codex-credits']).toMatchObject({ status: 'none', remaining: null })
  })

  test('another limit name; an event without windows → null', () => {
    const r = readCodexRateLimitEvent(
      {
        type: 'codex.rate_limits',
        rate_limits: { primary: { used_percent: 90, window_minutes: 60 } },
        metered_limit_name: 'codex_bengalfox',
      },
      AT,
    )
    expect(Object.keys(r?.windows ?? {})).toEqual(['codex_bengalfox-primary'])
    expect(readCodexRateLimitEvent({ type: 'codex.rate_limits' }, AT)).toBeNull()
  })
})
