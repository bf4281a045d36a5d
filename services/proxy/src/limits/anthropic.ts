// Anthropic's rate-limit headers (https://docs.claude.com/en/api/rate-limits) and the Claude
// subscription ("unified") windows Claude Code reads:
//   anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}
//     per-minute buckets of API keys; reset is an RFC 3339 date-time.
//   anthropic-ratelimit-unified-status            allowed | allowed_warning | rejected
//   anthropic-ratelimit-unified-<id>-utilization  fraction used (0…1) of window <id>: 5h, 7d,
//   anthropic-ratelimit-unified-<id>-reset        7d_oi (overage included), overage …; reset in
//   anthropic-ratelimit-unified-<id>-status       unix seconds
// Pure; headers come as a lower-cased name → value map.

import type { LimitUnit, LimitWindows } from '@tokentap/shared/accounts'
import {
  type LimitReading,
  MAX_WINDOWS,
  num,
  rfc3339,
  unixSeconds,
  window,
  word,
} from './reading.ts'

const PREFIX = 'anthropic-ratelimit-'
const UNIFIED = `${PREFIX}unified-`
const BUCKETS: readonly (LimitUnit & string)[] = [
  'requests',
  'tokens',
  'input-tokens',
  'output-tokens',
]
/** Window ids are short words without dashes ("grace-5h", "slow-budget" are other families). */
const UNIFIED_ID = /^[a-z0-9_]{1,24}$/
const UNIFIED_FIELDS = ['utilization', 'reset', 'status'] as const
/** Lengths of the Claude windows whose length the id names. */
const MINUTES: Record<string, number> = { '5h': 300, '7d': 10_080, '7d_oi': 10_080 }

export const isAnthropicLimitHeader = (name: string): boolean => name.startsWith(PREFIX)

export function readAnthropicLimits(
  headers: ReadonlyMap<string, string>,
  observedAt: number,
): LimitReading | null {
  const windows: LimitWindows = {}
  for (const unit of BUCKETS) {
    const limit = num(headers.get(`${PREFIX}${unit}-limit`))
    const remaining = num(headers.get(`${PREFIX}${unit}-remaining`))
    const resetAt = rfc3339(headers.get(`${PREFIX}${unit}-reset`))
    if (limit === null && remaining === null) continue
    windows[unit] = window(unit, observedAt, { limit, remaining, resetAt })
  }
  const ids = new Set<string>()
  for (const name of headers.keys()) {
    if (!name.startsWith(UNIFIED)) continue
    const rest = name.slice(UNIFIED.length)
    for (const f of UNIFIED_FIELDS) {
      const id = rest.endsWith(`-${f}`) ? rest.slice(0, -f.length - 1) : null
      if (id !== null && UNIFIED_ID.test(id)) ids.add(id)
    }
  }
  for (const id of [...ids].sort()) {
    if (Object.keys(windows).length >= MAX_WINDOWS) break
    const used = num(headers.get(`${UNIFIED}${id}-utilization`))
    const resetAt = unixSeconds(headers.get(`${UNIFIED}${id}-reset`))
    const status = word(headers.get(`${UNIFIED}${id}-status`))
    if (used === null && resetAt === null && status === null) continue
    windows[`unified-${id}`] = window('usage', observedAt, {
      used: used === null ? null : Math.max(0, used),
      resetAt,
      status,
      minutes: MINUTES[id] ?? null,
    })
  }
  const status = word(headers.get(`${UNIFIED}status`))
  if (Object.keys(windows).length === 0 && status === null) return null
  return { observedAt, windows, status, rateLimited: 0 }
}
