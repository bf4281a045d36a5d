import { describe, expect, test } from 'bun:test'
import type { AccountLimits } from '@tokentap/shared/accounts'
import { fakeData } from '../testing/fake-data.ts'
import { expectCspClean, get, NOW } from '../testing/pages.ts'

const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString()
const H = 3_600_000

const subscription: AccountLimits = {
  account: '3f9a0c1d2e4b5a6978ab',
  provider: 'anthropic',
  billingKind: 'subscription',
  lastUser: 'alice <x>',
  firstSeenAt: at(-48 * H),
  lastSeenAt: at(-60_000),
  status: 'allowed_warning',
  observedAt: at(-60_000),
  count429: 0,
  last429At: null,
  limitedSince: null,
  windows: {
    'unified-7d': {
      used: 0.41,
      limit: null,
      remaining: null,
      resetAt: at(3 * 24 * H),
      minutes: 10080,
      status: 'allowed',
      unit: 'usage',
      observedAt: at(-60_000),
    },
    'unified-5h': {
      used: 0.83,
      limit: null,
      remaining: null,
      resetAt: at(2 * H + 15 * 60_000),
      minutes: 300,
      status: 'allowed_warning',
      unit: 'usage',
      observedAt: at(-60_000),
    },
  },
}

const apiKey: AccountLimits = {
  account: 'aa00bb11cc22dd33ee44',
  provider: 'openai',
  billingKind: 'api_key',
  lastUser: 'bob',
  firstSeenAt: at(-H),
  lastSeenAt: at(-30_000),
  status: null,
  observedAt: at(-30_000),
  count429: 7,
  last429At: at(-120_000),
  limitedSince: at(-600_000),
  windows: {
    tokens: {
      used: 1,
      limit: 30000,
      remaining: 0,
      resetAt: at(6_000),
      minutes: null,
      status: null,
      unit: 'tokens',
      observedAt: at(-30_000),
    },
    requests: {
      used: 0.5,
      limit: 500,
      remaining: 250,
      resetAt: at(-1000), // reset since the reading
      minutes: null,
      status: null,
      unit: 'requests',
      observedAt: at(-30_000),
    },
  },
}

describe('limits page', () => {
  test('each account: fingerprint, provider, billing, last user, windows as meters with resets', async () => {
    const d = fakeData({ limits: [apiKey, subscription] })
    const { status, html } = await get(d, '/limits?tz=Europe/Berlin')
    expect(status).toBe(200)
    expect(d.calls.find((c) => c.method === 'limits')?.arg).toEqual(NOW)
    expectCspClean(html)
    expect(html).toContain('<code title="3f9a0c1d2e4b5a6978ab">3f9a0c1d</code>')
    expect(html).toContain('subscription')
    expect(html).toContain('API key')
    expect(html).toContain('last user alice &lt;x&gt;')
    // the 5-hour window first, near its limit, reset time in the viewer's zone
    expect(html.indexOf('5-hour')).toBeLessThan(html.indexOf('7-day'))
    expect(html).toMatch(/<meter[^>]*value="0.83"/)
    expect(html).toContain('83%')
    expect(html).toContain('2026-01-15 15:15') // 14:15 UTC in Berlin
    expect(html).toContain('(in 2 h 15 min)')
    expect(html).toContain('near limit')
    // the key account: at its token limit, rate-limited now, 429s counted
    expect(html).toContain('account level-at')
    expect(html).toContain('0 of 30,000 tokens left')
    expect(html).toContain('7 × 429 seen')
    expect(html).toContain('rate-limited now')
    // a window that has reset since its reading is not shown as used
    expect(html).toContain('reset since')
    expect(html).toContain('1 at a limit')
    expect(html).toContain('1 near one')
  })

  test('no accounts: says how they appear', async () => {
    const { status, html } = await get(fakeData(), '/limits')
    expect(status).toBe(200)
    expect(html).toContain('No accounts seen in the last 8 days.')
    expect(html).toContain('aria-current="page"')
  })
})
