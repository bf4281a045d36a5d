// Failed-login limiter: at most `max` failures per client address within a sliding window;
// further attempts are refused (429) until the oldest failure ages out. Memory is bounded.

export interface LoginLimiter {
  /** Seconds until another attempt is allowed; 0 = allowed now. */
  retryAfterS(address: string): number
  fail(address: string): void
  succeed(address: string): void
}

const MAX_TRACKED = 10_000

export function createLoginLimiter(opts: {
  max: number
  windowS: number
  now: () => number
}): LoginLimiter {
  const failures = new Map<string, number[]>()
  const windowMs = opts.windowS * 1000
  const recent = (address: string): number[] => {
    const cutoff = opts.now() - windowMs
    const list = (failures.get(address) ?? []).filter((t) => t > cutoff)
    if (list.length === 0) failures.delete(address)
    else failures.set(address, list)
    return list
  }
  return {
    retryAfterS(address) {
      const list = recent(address)
      if (list.length < opts.max) return 0
      const oldest = list[list.length - opts.max] ?? opts.now()
      return Math.max(1, Math.ceil((oldest + windowMs - opts.now()) / 1000))
    },
    fail(address) {
      if (failures.size >= MAX_TRACKED && !failures.has(address)) {
        for (const a of [...failures.keys()]) recent(a)
        // Still full: forget the oldest-inserted address rather than grow without bound.
        if (failures.size >= MAX_TRACKED) failures.delete(failures.keys().next().value as string)
      }
      failures.set(address, [...recent(address), opts.now()])
    },
    succeed(address) {
      failures.delete(address)
    },
  }
}
