// account_limits as the dashboard reads it (SELECT only: it runs on the read-only pool).

import type postgres from 'postgres'
import type { BillingKind } from '../usage.ts'
import { accountLevel } from './levels.ts'
import type { AccountLimits, LimitWindows } from './types.ts'

/** Accounts not seen for this long are left out (the longest window is 7 days). */
export const ACCOUNT_MAX_AGE_DAYS = 8

export interface AccountRow {
  account: string
  provider: string
  billing_kind: string
  last_user: string | null
  first_seen_ms: string
  last_seen_ms: string
  windows: unknown
  status: string | null
  observed_ms: string | null
  count_429: string
  last_429_ms: string | null
  limited_since_ms: string | null
}

const iso = (ms: string): string => new Date(Number(ms)).toISOString()
const isoOrNull = (ms: string | null): string | null => (ms === null ? null : iso(ms))
const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::bigint::text`

const BILLING: ReadonlySet<string> = new Set(['api_key', 'subscription', 'unknown'])

/** The select list AccountRow reads (times as epoch ms text, exact). */
export const ACCOUNT_COLUMNS = `account, provider, billing_kind, last_user,
  ${ms('first_seen_at')} as first_seen_ms, ${ms('last_seen_at')} as last_seen_ms,
  windows, status, ${ms('observed_at')} as observed_ms, count_429::text as count_429,
  ${ms('last_429_at')} as last_429_ms, ${ms('limited_since')} as limited_since_ms`

/** An account_limits row (selected with ACCOUNT_COLUMNS) as the API shows it. */
export function toAccountLimits(r: AccountRow): AccountLimits {
  return {
    account: r.account,
    provider: r.provider,
    billingKind: (BILLING.has(r.billing_kind) ? r.billing_kind : 'unknown') as BillingKind,
    lastUser: r.last_user,
    firstSeenAt: iso(r.first_seen_ms),
    lastSeenAt: iso(r.last_seen_ms),
    // written by the proxy's writer in this shape (pg-accounts.ts)
    windows: (r.windows !== null && typeof r.windows === 'object' ? r.windows : {}) as LimitWindows,
    status: r.status,
    observedAt: isoOrNull(r.observed_ms),
    count429: Number(r.count_429),
    last429At: isoOrNull(r.last_429_ms),
    limitedSince: isoOrNull(r.limited_since_ms),
  }
}

/** Accounts seen within `maxAgeDays` of `now`: at their limit first, then near, then the rest,
 *  most recently seen first within each. */
export async function readAccountLimits(
  sql: postgres.Sql,
  now: Date,
  opts: { maxAgeDays?: number } = {},
): Promise<AccountLimits[]> {
  const since = new Date(now.getTime() - (opts.maxAgeDays ?? ACCOUNT_MAX_AGE_DAYS) * 86_400_000)
  const rows = await sql.unsafe<AccountRow[]>(
    `select ${ACCOUNT_COLUMNS} from account_limits where last_seen_at >= $1::timestamptz
    order by last_seen_at desc, account limit 500`,
    [since.toISOString()],
  )
  const out = rows.map(toAccountLimits)
  const rank = { at: 0, near: 1, ok: 2 }
  return out
    .map((a, i) => ({ a, i, r: rank[accountLevel(a, now)] }))
    .sort((x, y) => x.r - y.r || x.i - y.i)
    .map((x) => x.a)
}
