import { describe, expect, test } from 'bun:test'
import { createLoginLimiter, type LimiterOptions } from './rate-limit.ts'

/** A limiter on a fake clock whose sleep advances the clock (and is recorded). */
function fake(more: Partial<LimiterOptions> = {}) {
  const t = { now: 1_000_000, slept: [] as number[], throttled: [] as string[] }
  const limiter = createLoginLimiter({
    max: 5,
    windowS: 900,
    now: () => t.now,
    sleep: async (ms) => {
      t.slept.push(ms)
      t.now += ms
    },
    onThrottle: (source, n) => t.throttled.push(`${source}:${n}`),
    ...more,
  })
  return { limiter, t }
}

const right = () => true
const wrong = () => false

describe('login limiter', () => {
  test('five wrong tries from one address do not lock the right key out (issue 13 §5)', async () => {
    const { limiter, t } = fake()
    for (let i = 0; i < 5; i++)
      expect(await limiter.attempt('proxy', wrong)).toEqual({ ok: false, retryAfterS: null })
    expect(t.slept).toEqual([])
    expect(await limiter.attempt('proxy', right)).toEqual({ ok: true })
    // Many more wrong tries (everyone behind one reverse proxy): still only a short wait.
    for (let i = 0; i < 50; i++) await limiter.attempt('proxy', wrong)
    t.slept.length = 0
    expect(await limiter.attempt('proxy', right)).toEqual({ ok: true })
    expect(t.slept.every((ms) => ms <= 10_000)).toBe(true)
  })

  test('backoff doubles per failure beyond the allowance, capped at 10 s', async () => {
    const { limiter, t } = fake()
    for (let i = 0; i < 12; i++) await limiter.attempt('a', wrong)
    expect(t.slept).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000])
    expect(t.throttled).toEqual(['a:6'])
  })

  test('the wait is decided before the key is read: right and wrong keys wait the same', async () => {
    const run = async (check: () => boolean) => {
      const { limiter, t } = fake()
      for (let i = 0; i < 8; i++) await limiter.attempt('a', wrong)
      t.slept.length = 0
      let readAt = 0
      const r = await limiter.attempt('a', () => {
        readAt = t.now
        return check()
      })
      return { ok: r.ok, slept: t.slept, readAt }
    }
    const good = await run(right)
    const bad = await run(wrong)
    expect(good.ok).toBe(true)
    expect(bad.ok).toBe(false)
    expect(good.slept).toEqual(bad.slept)
    expect(good.slept[0]).toBeGreaterThan(0)
    expect(good.readAt).toBe(bad.readAt)
  })

  test('parallel attempts queue instead of multiplying guesses; a full queue is refused unread', () => {
    const { limiter } = fake()
    for (let i = 0; i < 6; i++) {
      expect(limiter.admit('a')).toEqual({ waitMs: 0 })
      limiter.settle('a', false)
    }
    // 100 guesses fired at once: slots spread by the backoff, the rest refused.
    const admitted: number[] = []
    let refused = 0
    for (let i = 0; i < 100; i++) {
      const r = limiter.admit('a')
      if ('waitMs' in r) admitted.push(r.waitMs)
      else {
        refused++
        expect(r.retryAfterS).toBeGreaterThan(0)
      }
    }
    expect(admitted).toEqual([1_000, 3_000, 7_000, 15_000, 25_000])
    expect(refused).toBe(95)
  })

  test('a refused attempt is never evaluated', async () => {
    const { limiter } = fake({ maxWaitMs: 0 })
    for (let i = 0; i < 6; i++) await limiter.attempt('a', wrong)
    const r = await limiter.attempt('a', () => {
      throw new Error('the key must not be read')
    })
    expect(r).toEqual({ ok: false, retryAfterS: 1 })
  })

  test('property: an hour of flooding from one or many addresses yields a bounded number of guesses', () => {
    for (const addresses of [1, 1_000]) {
      const { limiter, t } = fake()
      const inFlight: { address: string; at: number }[] = []
      let guesses = 0
      let next = 0
      const end = t.now + 3_600_000
      for (; t.now < end; t.now += 100) {
        // The attacker keeps firing until refused, rotating addresses.
        for (let k = 0; k < 50; k++) {
          const address = `10.0.${next % addresses}`
          next++
          const r = limiter.admit(address)
          if ('retryAfterS' in r) break
          inFlight.push({ address, at: t.now + r.waitMs })
        }
        for (let i = inFlight.length - 1; i >= 0; i--) {
          const a = inFlight[i]!
          if (a.at > t.now) continue
          inFlight.splice(i, 1)
          limiter.settle(a.address, false)
          guesses++
        }
      }
      // The allowances (5 per address, 50 in total), then one per 10 s, plus the queue.
      expect({ addresses, bounded: guesses <= 50 + 360 + 10 }).toEqual({ addresses, bounded: true })
    }
  })

  test('failures age out of the window; other addresses are unaffected until the total is high', async () => {
    const { limiter, t } = fake()
    for (let i = 0; i < 8; i++) await limiter.attempt('a', wrong)
    expect(limiter.admit('b')).toEqual({ waitMs: 0 })
    limiter.settle('b', true)
    t.now += 901_000
    t.slept.length = 0
    expect(await limiter.attempt('a', right)).toEqual({ ok: true })
    expect(t.slept).toEqual([])
  })
})
