// Is a model priced at zero? Asked of the pricer itself (genai-prices, TOKENTAP_PRICES
// overrides): a million input and a million output tokens that cost exactly $0 make a free model.
// An unpriced model is not free: it costs what nobody can tell, and a hard budget stops it too.
// Answers are cached per provider, host and model (bounded; cleared with each snapshot refresh).

import type { Pricer } from '../pricing/index.ts'

const PROBE_TOKENS = 1_000_000
const MAX_CACHED = 1_000

export interface FreeModels {
  isFree(provider: string, host: string, model: string): boolean
  clear(): void
}

export function createFreeModels(pricer: Pricer, now: () => number): FreeModels {
  const cache = new Map<string, boolean>()
  return {
    isFree(provider, host, model) {
      const key = `${provider}\n${host}\n${model}`
      const known = cache.get(key)
      if (known !== undefined) return known
      let free = false
      try {
        const r = pricer.price({
          provider,
          host,
          model,
          startedAt: new Date(now()).toISOString(),
          credits: null,
          billable: true,
          inputTokens: PROBE_TOKENS,
          outputTokens: PROBE_TOKENS,
          cacheReadTokens: 0,
          cacheWrite5mTokens: 0,
          cacheWrite1hTokens: 0,
          reasoningTokens: 0,
        })
        free = r.costUsd === 0 && r.unpricedUnits === null
      } catch {
        free = false
      }
      if (cache.size >= MAX_CACHED) cache.clear()
      cache.set(key, free)
      return free
    },
    clear: () => cache.clear(),
  }
}
