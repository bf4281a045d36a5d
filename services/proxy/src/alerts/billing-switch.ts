// "A user who worked on a subscription starts sending API-key-billed traffic" (issue 16): after
// each flush, the billable API-key requests it holds, per (provider, user), are checked against
// usage_events: a subscription-covered request in the 7 days before, and no API-key-billed one
// in the day before → one alert (alerts_sent key __apikey:[provider,user] at the first such
// request). Of two replicas flushing a user's first API-key requests at once, only the one whose
// request came first finds the day before empty, so one alert goes out. A user already known
// here to be on API keys is not queried again for a day.

import type postgres from 'postgres'
import type { Logger } from '../log.ts'
import type { FlushInfo } from '../sink/postgres-types.ts'
import type { DeliveryJob, ResolvePending } from './evaluator.ts'
import { APIKEY_ALERT_TTL_MS, apiKeyKey, parseApiKeyKey } from './limit-decide.ts'
import { type ApiKeySwitch, apiKeySwitchMessage } from './limit-message.ts'
import { claimThresholds } from './store.ts'

type Sql = postgres.Sql
const DAY_MS = 86_400_000

export interface BillingSwitchDeps {
  sql: Sql
  deliver(job: DeliveryJob): void
  url: string
  dashboardUrl: string | undefined
  timezone(): string
  now(): Date
  log: Logger
}

export interface BillingSwitch {
  /** A committed flush's id range, checked at the next evaluation. */
  add(info: FlushInfo): void
  evaluate(): Promise<void>
  resolve: ResolvePending
}

const ms = (column: string) => `(extract(epoch from ${column}) * 1000)::bigint::text`
const userIs = (sql: Sql, user: string | null) =>
  user === null ? sql`"user" is null` : sql`"user" = ${user}`

/** The details the message shows, read at send time (also for a retried alert). */
async function switchOf(
  sql: Sql,
  provider: string,
  user: string | null,
  firstAt: Date,
): Promise<ApiKeySwitch> {
  const t = firstAt.toISOString()
  const [first] = await sql<{ model: string | null; account: string | null }[]>`
    select model, account from usage_events
    where ${userIs(sql, user)} and provider = ${provider} and billing_kind = 'api_key'
      and started_at >= ${t}::timestamptz order by started_at limit 1`
  const [sub] = await sql<{ at: string }[]>`
    select ${sql.unsafe(ms('started_at'))} as at from usage_events
    where ${userIs(sql, user)} and provider = ${provider} and billing_kind = 'subscription'
      and started_at < ${t}::timestamptz order by started_at desc limit 1`
  return {
    provider,
    user,
    firstAt,
    model: first?.model ?? null,
    account: first?.account ?? null,
    lastSubscriptionAt: sub ? new Date(Number(sub.at)) : null,
  }
}

export function createBillingSwitch(deps: BillingSwitchDeps): BillingSwitch {
  const { sql } = deps
  let range: { first: string; last: string } | null = null
  /** (provider, user) → the latest API-key request known here (ms). */
  const onKeys = new Map<string, number>()

  function job(id: string, provider: string, user: string | null, firstAt: Date): DeliveryJob {
    return {
      id,
      label: `API-key switch ${provider} ${user ?? '(no user)'}`,
      url: deps.url,
      build: async () =>
        apiKeySwitchMessage({
          s: await switchOf(sql, provider, user, firstAt),
          timezone: deps.timezone(),
          now: deps.now(),
          dashboardUrl: deps.dashboardUrl,
        }),
    }
  }

  /** Subscription work in the 7 days before `t`, and no API-key billing in the day before. */
  async function isSwitch(provider: string, user: string | null, t: Date): Promise<boolean> {
    const at = t.toISOString()
    const [r] = await sql<{ sub: boolean; key: boolean }[]>`
      select
        exists(select 1 from usage_events where ${userIs(sql, user)} and provider = ${provider}
          and billing_kind = 'subscription' and started_at < ${at}::timestamptz
          and started_at >= ${at}::timestamptz - interval '7 days') as sub,
        exists(select 1 from usage_events where ${userIs(sql, user)} and provider = ${provider}
          and billing_kind = 'api_key' and billable and started_at < ${at}::timestamptz
          and started_at >= ${at}::timestamptz - interval '1 day') as key`
    return r?.sub === true && r.key === false
  }

  return {
    add(info) {
      if (!range) range = { first: info.firstId, last: info.lastId }
      else {
        if (info.firstId < range.first) range.first = info.firstId
        if (info.lastId > range.last) range.last = info.lastId
      }
    },
    async evaluate() {
      const r = range
      range = null
      if (!r) return
      const rows = await sql<{ user: string | null; provider: string; first_ms: string }[]>`
        select "user", provider, ${sql.unsafe(ms('min(started_at)'))} as first_ms
        from usage_events
        where id between ${r.first}::uuid and ${r.last}::uuid
          and billing_kind = 'api_key' and billable
        group by 1, 2 limit 500`
      if (onKeys.size > 10_000) onKeys.clear()
      for (const row of rows) {
        const key = JSON.stringify([row.provider, row.user])
        const first = Number(row.first_ms)
        const known = onKeys.get(key)
        if (known !== undefined && first - known < DAY_MS) {
          onKeys.set(key, Math.max(known, first))
          continue
        }
        const t = new Date(first)
        if (await isSwitch(row.provider, row.user, t)) {
          const claimed = await claimThresholds(sql, apiKeyKey(row.provider, row.user), t, [0])
          for (const c of claimed) deps.deliver(job(c.id, row.provider, row.user, t))
        }
        onKeys.set(key, first)
      }
    },
    resolve(row) {
      const k = parseApiKeyKey(row.budget)
      if (!k) return null
      return {
        window: {
          start: row.windowStart,
          end: new Date(row.windowStart.getTime() + APIKEY_ALERT_TTL_MS),
        },
        job: job(row.id, k.provider, k.user, row.windowStart),
      }
    },
  }
}
