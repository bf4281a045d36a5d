import { describe, expect, test } from 'bun:test'
import {
  backoffMs,
  claimPlan,
  crossedThresholds,
  DEFAULT_RETRY,
  isExpired,
  maskUrls,
  maskWebhookUrl,
  percent,
  usd,
} from './decide.ts'

describe('decisions', () => {
  test('crossed thresholds, with float tolerance', () => {
    expect(crossedThresholds([0.5, 0.8, 1], 24.99, 50)).toEqual([])
    expect(crossedThresholds([0.5, 0.8, 1], 25, 50)).toEqual([0.5])
    expect(crossedThresholds([0.5, 0.8, 1], 40, 50)).toEqual([0.5, 0.8])
    expect(crossedThresholds([0.5, 0.8, 1], 0.1 + 0.2, 0.3)).toEqual([0.5, 0.8, 1])
    expect(crossedThresholds([1.5], 74, 50)).toEqual([])
  })

  test('several crossed at once: only the highest is sent', () => {
    expect(claimPlan([0.5, 0.8, 1])).toEqual([
      { threshold: 0.5, send: false },
      { threshold: 0.8, send: false },
      { threshold: 1, send: true },
    ])
    expect(claimPlan([0.5])).toEqual([{ threshold: 0.5, send: true }])
  })

  test('backoff doubles and is capped; expiry after the grace', () => {
    const p = { ...DEFAULT_RETRY, baseMs: 100, maxMs: 350 }
    expect([2, 3, 4, 5].map((n) => backoffMs(p, n))).toEqual([100, 200, 350, 350])
    const end = new Date('2026-01-02T00:00:00Z')
    expect(isExpired(end, new Date('2026-01-02T00:59:59Z'), 3_600_000)).toBe(false)
    expect(isExpired(end, new Date('2026-01-02T01:00:01Z'), 3_600_000)).toBe(true)
  })

  test('webhook URLs are masked', () => {
    const url = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET'
    expect(maskWebhookUrl(url)).toBe('https://hooks.slack.com/***')
    expect(maskUrls(`fetch ${url} failed; also http://u:p@127.0.0.1:9/x?y=1.`)).toBe(
      'fetch https://hooks.slack.com/*** failed; also http://127.0.0.1:9/***',
    )
    expect(maskUrls('no url')).toBe('no url')
  })

  test('formatting', () => {
    expect(percent(0.8)).toBe('80 %')
    expect(percent(1.125)).toBe('112.5 %')
    expect(usd(41.2)).toBe('$41.20')
    expect(usd(0.0021525)).toBe('$0.0022')
    expect(usd(0)).toBe('$0.00')
  })
})
