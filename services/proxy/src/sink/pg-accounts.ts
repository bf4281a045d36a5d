// account_limits in the writer's flush (issue 16, part 2): one row per account fingerprint, at
// most one row write per account per flush, in the same statement as the events (pg-write.ts).
//   - From the events the statement inserted (`ins`, so a replay counts nothing twice): the
//     account's provider, billing kind, last user, first/last seen, and its 429s.
//   - From the flush's limits readings (coalesced here, latest per window): the windows and the
//     provider's status, merged into the row so that a newer reading wins whichever replica's
//     flush commits last (observed_at is the response head's arrival), and rate-limit errors
//     seen on WebSockets (no 429 status shows them).
//   - limited_since starts a new run of 429s when the last one is older than
//     RATE_LIMIT_QUIET_MS: computed under the row lock, so replicas agree on it (the alert's key).
// Readings travel beside records and are never spooled: a reading taken while Postgres was away
// is lost (the next response brings a fresh one); the 429 counts come back with the records.

import { RATE_LIMIT_QUIET_MS } from '@tokentap/shared/accounts'
import type { LimitReading } from '../limits/reading.ts'
import { mergeReadings } from '../limits/reading.ts'
import type { RecordEnvelope } from './sink.ts'

/** usage_events columns the account upsert reads from `ins`. */
export const ACCOUNT_INPUTS = [
  'account',
  'provider',
  'billing_kind',
  'user',
  'status',
  'started_at',
]

/** One account's readings of a flush, as the CTE's JSON parameter carries it. */
export interface AccountReadingRow {
  account: string
  provider: string
  billing_kind: string
  user: string | null
  observed_at: string
  windows: string
  status: string | null
  limited: number
  limited_first: string | null
  limited_last: string | null
}

/** The flush's readings, one row per account (latest per window). */
export function accountReadingRows(entries: readonly RecordEnvelope[]): AccountReadingRow[] {
  const by = new Map<
    string,
    { r: RecordEnvelope['record']; reading: LimitReading | null; first: number; last: number }
  >()
  for (const { record, limits } of entries) {
    const account = record.account
    if (!limits || typeof account !== 'string' || account.length === 0) continue
    const cur = by.get(account)
    const limitedAt = limits.rateLimited > 0 ? limits.observedAt : null
    if (!cur) {
      by.set(account, {
        r: record,
        reading: limits,
        first: limitedAt ?? Number.POSITIVE_INFINITY,
        last: limitedAt ?? Number.NEGATIVE_INFINITY,
      })
      continue
    }
    if (limits.observedAt >= (cur.reading?.observedAt ?? 0)) cur.r = record
    cur.reading = mergeReadings(cur.reading, limits)
    if (limitedAt !== null) {
      cur.first = Math.min(cur.first, limitedAt)
      cur.last = Math.max(cur.last, limitedAt)
    }
  }
  const iso = (ms: number): string | null =>
    Number.isFinite(ms) ? new Date(ms).toISOString() : null
  return [...by].map(([account, { r, reading, first, last }]) => ({
    account,
    provider: r.provider,
    billing_kind: r.billingKind ?? 'unknown',
    user: r.user,
    observed_at: new Date(reading?.observedAt ?? 0).toISOString(),
    windows: JSON.stringify(reading?.windows ?? {}),
    status: reading?.status ?? null,
    limited: reading?.rateLimited ?? 0,
    limited_first: iso(first),
    limited_last: iso(last),
  }))
}

const QUIET = `interval '${Math.round(RATE_LIMIT_QUIET_MS / 1000)} seconds'`
/** Newer (or as new) by last_seen_at: the incoming row's value, else the stored one. */
const newer = (col: string): string =>
  `${col} = case when excluded.last_seen_at >= a.last_seen_at then excluded.${col} else a.${col} end`
const newerReading = `excluded.observed_at is not null
      and (a.observed_at is null or excluded.observed_at >= a.observed_at)`

/** The CTEs that fold `ins` and the readings (JSON parameter `param`) into account_limits. */
export function accountsCte(param: string): string {
  return `
, acct_src as (
  select account, provider, billing_kind, "user", started_at as seen_at,
    null::timestamptz as observed_at, null::jsonb as windows, null::text as status,
    coalesce(status = 429, false)::int::bigint as n429,
    case when status = 429 then started_at end as first_429,
    case when status = 429 then started_at end as last_429
  from ins where account is not null
  union all
  select r.account, r.provider, r.billing_kind, r."user", r.observed_at, r.observed_at,
    r.windows::jsonb, r.status, r.limited, r.limited_first, r.limited_last
  from json_to_recordset(${param}::text::json) as r(account text, provider text,
    billing_kind text, "user" text, observed_at timestamptz, windows text, status text,
    limited bigint, limited_first timestamptz, limited_last timestamptz)
), acct_new as (
  select account,
    (array_agg(provider order by seen_at desc))[1] as provider,
    (array_agg(billing_kind order by seen_at desc))[1] as billing_kind,
    (array_agg("user" order by seen_at desc))[1] as last_user,
    min(seen_at) as first_seen, max(seen_at) as last_seen,
    (array_agg(windows order by observed_at desc) filter (where windows is not null))[1] as windows,
    (array_agg(status order by observed_at desc) filter (where observed_at is not null))[1] as status,
    max(observed_at) as observed_at,
    coalesce(sum(n429), 0)::bigint as n429, min(first_429) as first_429, max(last_429) as last_429
  from acct_src group by account
), acct as (
  insert into account_limits as a (account, provider, billing_kind, last_user, first_seen_at,
    last_seen_at, windows, status, observed_at, count_429, last_429_at, limited_since, updated_at)
  select account, provider, billing_kind, last_user, first_seen, last_seen,
    coalesce(windows, '{}'::jsonb), status, observed_at, n429, last_429, first_429, now()
  from acct_new order by account
  on conflict (account) do update set
    ${newer('provider')}, ${newer('billing_kind')}, ${newer('last_user')},
    first_seen_at = least(a.first_seen_at, excluded.first_seen_at),
    last_seen_at = greatest(a.last_seen_at, excluded.last_seen_at),
    windows = case when excluded.observed_at is null then a.windows
      when ${newerReading} then a.windows || excluded.windows
      else excluded.windows || a.windows end,
    status = case when ${newerReading} then excluded.status else a.status end,
    observed_at = greatest(a.observed_at, excluded.observed_at),
    count_429 = a.count_429 + excluded.count_429,
    last_429_at = greatest(a.last_429_at, excluded.last_429_at),
    limited_since = case when excluded.limited_since is null then a.limited_since
      when a.last_429_at is null or excluded.limited_since > a.last_429_at + ${QUIET}
        then excluded.limited_since
      else a.limited_since end,
    updated_at = now()
)`
}
