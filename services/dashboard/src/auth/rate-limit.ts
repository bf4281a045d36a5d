// Key-guessing limiter for the login form and `Authorization: Bearer` (every place the API key
// is compared). Design, and why:
//
// - A refusal that depended on the key would be an oracle (refused = wrong), and a limiter that
//   refuses an address after N failures locks the right key out for everyone sharing that
//   address (behind a reverse proxy: the whole team). So the limiter never looks at the key: it
//   decides *when* an attempt is evaluated, before the key is read, and every attempt, right or
//   wrong, waits the same. Once evaluated, a right key always gets in; a wrong one is counted.
// - Failures are counted per client address and in total over a sliding window. Within its
//   allowance (per address: DASHBOARD_LOGIN_MAX_FAILURES, in total: 10x that) a source is not
//   slowed at all; beyond it, attempts are spaced by an exponential backoff (1 s, 2 s, 4 s … up
//   to 10 s) per address and globally, by reserving the next evaluation slot — attempts still
//   waiting count as failures for the spacing, so parallel requests queue instead of multiplying
//   the guess rate. Guesses are bounded by the window's allowance plus one per backoff interval
//   (at most 6 a minute once hot), whatever the concurrency or the number of addresses.
// - An attempt that would wait more than 30 s (the queue is full: an ongoing flood) is refused
//   with 429 and Retry-After without being evaluated. That is the only refusal, it does not
//   depend on the key, and it ends when the flood does; past failures alone never lock anyone
//   out (after five wrong tries the right key gets in after a 1 s wait).
// - Comparisons are constant-time (session.ts secretEquals); a session cookie is an HMAC the
//   limiter does not need to guard. Memory is bounded (tracked addresses and timestamps).
// Pure core (`admit`/`fail` over an injected clock) and a thin async `attempt` with an injected
// sleep, so tests run without waiting.

export type Admission = { waitMs: number } | { retryAfterS: number }

export type AttemptResult = { ok: true } | { ok: false; retryAfterS: number | null }

export interface LoginLimiter {
  /** Reserves the evaluation slot of one attempt from `address` (the key is not looked at). */
  admit(address: string): Admission
  /** An admitted attempt from `address` was evaluated: right key or not. */
  settle(address: string, ok: boolean): void
  /** Waits for the slot, then evaluates `check` (true = right key); counts a failure. */
  attempt(address: string, check: () => boolean): Promise<AttemptResult>
}

export interface LimiterOptions {
  /** Failures per address per window before backoff (DASHBOARD_LOGIN_MAX_FAILURES). */
  max: number
  windowS: number
  now: () => number
  sleep?: (ms: number) => Promise<void>
  /** Failures in total per window before backoff (default 10 x max). */
  globalMax?: number
  /** First backoff interval (default 1 s), doubled per failure beyond the allowance. */
  baseDelayMs?: number
  /** Longest interval between evaluations (default 10 s). */
  maxDelayMs?: number
  /** Longest an attempt may wait for its slot before 429 (default 30 s). */
  maxWaitMs?: number
  /** A source went over its allowance (logged once per window and source). */
  onThrottle?: (source: string, failures: number) => void
}

const MAX_TRACKED = 10_000

interface Track {
  /** Failure times, oldest first; only the newest few are kept (enough to reach maxDelay). */
  failures: number[]
  /** Admitted attempts not evaluated yet (counted as failures when spacing new ones). */
  pending: number
  /** The latest evaluation time reserved by an admitted attempt. */
  lastSlot: number
  /** onThrottle was called for the current hot spell. */
  reported: boolean
}

export function createLoginLimiter(opts: LimiterOptions): LoginLimiter {
  const windowMs = opts.windowS * 1000
  const globalMax = opts.globalMax ?? opts.max * 10
  const baseMs = opts.baseDelayMs ?? 1_000
  const maxDelayMs = opts.maxDelayMs ?? 10_000
  const maxWaitMs = opts.maxWaitMs ?? 30_000
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const doublings = Math.ceil(Math.log2(Math.max(1, maxDelayMs / baseMs))) + 1
  const addresses = new Map<string, Track>()
  const fresh = (): Track => ({ failures: [], pending: 0, lastSlot: 0, reported: false })
  const global = fresh()

  const recent = (t: Track, now: number): number => {
    const cutoff = now - windowMs
    let drop = 0
    while (drop < t.failures.length && t.failures[drop]! <= cutoff) drop++
    if (drop > 0) t.failures.splice(0, drop)
    return t.failures.length
  }
  /** Earliest slot for a new attempt: within the allowance any time, else the latest one plus
   *  the current backoff interval. */
  const earliest = (t: Track, allowance: number, now: number): number => {
    const excess = recent(t, now) + t.pending - allowance
    if (excess <= 0) return 0
    return t.lastSlot + Math.min(maxDelayMs, baseMs * 2 ** Math.min(excess - 1, doublings))
  }
  const unused = (t: Track, now: number): boolean =>
    recent(t, now) === 0 && t.pending === 0 && t.lastSlot <= now
  const addressTrack = (address: string, now: number): Track => {
    let t = addresses.get(address)
    if (t) return t
    if (addresses.size >= MAX_TRACKED) {
      for (const [a, other] of addresses) if (unused(other, now)) addresses.delete(a)
      // Still full: forget the oldest-inserted address rather than grow without bound.
      if (addresses.size >= MAX_TRACKED) addresses.delete(addresses.keys().next().value as string)
    }
    t = fresh()
    addresses.set(address, t)
    return t
  }
  const record = (t: Track, allowance: number, source: string, now: number): void => {
    recent(t, now)
    t.failures.push(now)
    if (t.failures.length > allowance + doublings + 1) t.failures.shift()
    if (t.failures.length <= allowance) t.reported = false
    else if (!t.reported) {
      t.reported = true
      opts.onThrottle?.(source, t.failures.length)
    }
  }

  const limiter: LoginLimiter = {
    admit(address) {
      const now = opts.now()
      const a = addressTrack(address, now)
      const slot = Math.max(now, earliest(a, opts.max, now), earliest(global, globalMax, now))
      const waitMs = slot - now
      if (waitMs > maxWaitMs) {
        return { retryAfterS: Math.max(1, Math.ceil((waitMs - maxWaitMs) / 1000)) }
      }
      a.lastSlot = Math.max(a.lastSlot, slot)
      global.lastSlot = Math.max(global.lastSlot, slot)
      a.pending++
      global.pending++
      return { waitMs }
    },
    settle(address, ok) {
      const now = opts.now()
      const a = addressTrack(address, now)
      a.pending = Math.max(0, a.pending - 1)
      global.pending = Math.max(0, global.pending - 1)
      if (ok) return
      record(a, opts.max, address, now)
      record(global, globalMax, 'all addresses', now)
    },
    async attempt(address, check) {
      const admission = limiter.admit(address)
      if ('retryAfterS' in admission) return { ok: false, retryAfterS: admission.retryAfterS }
      // No await when not throttled: the failure is counted before the next request is read.
      if (admission.waitMs > 0) await sleep(admission.waitMs)
      const ok = check()
      limiter.settle(address, ok)
      return ok ? { ok: true } : { ok: false, retryAfterS: null }
    },
  }
  return limiter
}
