// The estimate stage: a result whose usage needs a token estimate (estimate/policy.ts) waits
// for the estimator (estimate/estimator.ts: a worker off the data path, a bounded queue and a
// timeout, every job answered once); the others pass at once. A refused, slow or failed
// estimate leaves the usage as it was, flagged in parseError.

import type { ParsedUsage } from '@tokentap/shared'
import type { Estimator } from '../estimate/estimator.ts'
import { applyEstimate, needsEstimate } from '../estimate/policy.ts'
import type { ExchangeResult } from './result.ts'

/** The usage after its estimate; null when none is needed (the result's usage stands). */
export function estimateUsage(
  estimator: Estimator | null,
  result: ExchangeResult,
): Promise<ParsedUsage> | null {
  const { usage, seen, facts } = result
  if (estimator === null || seen === null || !needsEstimate(usage, seen, facts)) return null
  return estimator
    .estimate({ model: usage.model ?? null, seen })
    .catch((e: unknown) => ({ ok: false as const, reason: String(e) }))
    .then((outcome) => applyEstimate(usage, seen, outcome))
}
