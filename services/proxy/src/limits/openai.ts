// OpenAI's rate-limit headers (https://platform.openai.com/docs/guides/rate-limits), also sent
// by OpenAI-compatible APIs (Groq …):
//   x-ratelimit-limit-{requests,tokens}, x-ratelimit-remaining-{requests,tokens},
//   x-ratelimit-reset-{requests,tokens}: time until the bucket is full again ("6m0s", "1s").
// Pure; headers come as a lower-cased name → value map.

import type { LimitWindows } from '@tokentap/shared/accounts'
import { duration, type LimitReading, num, window } from './reading.ts'

const PREFIX = 'x-ratelimit-'
const BUCKETS = ['requests', 'tokens'] as const

export const isOpenAiLimitHeader = (name: string): boolean => name.startsWith(PREFIX)

export function readOpenAiLimits(
  headers: ReadonlyMap<string, string>,
  observedAt: number,
): LimitReading | null {
  const windows: LimitWindows = {}
  for (const unit of BUCKETS) {
    const limit = num(headers.get(`${PREFIX}limit-${unit}`))
    const remaining = num(headers.get(`${PREFIX}remaining-${unit}`))
    if (limit === null && remaining === null) continue
    const wait = duration(headers.get(`${PREFIX}reset-${unit}`))
    const resetAt = wait === null ? null : new Date(observedAt + wait).toISOString()
    windows[unit] = window(unit, observedAt, { limit, remaining, resetAt })
  }
  if (Object.keys(windows).length === 0) return null
  return { observedAt, windows, status: null, rateLimited: 0 }
}
