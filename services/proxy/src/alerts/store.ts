// alerts_sent adapter (SQL only). Dedupe: a threshold row is INSERTed before anything is sent, ON
// CONFLICT DO NOTHING, and only the replica whose insert returned the row sends it. A delivery
// attempt locks its row (FOR UPDATE SKIP LOCKED) for the duration of the POST, so a replica's
// retry pass never posts a row another replica is posting, and a delivered row is never re-sent.

import type postgres from 'postgres'
import { claimPlan, SUPERSEDED } from './decide.ts'

type Sql = postgres.Sql

export interface ClaimedAlert {
  id: string
  threshold: number
}

export interface PendingAlert {
  id: string
  budget: string
  windowStart: Date
  threshold: number
  attempts: number
}

/** Inserts the crossed thresholds; returns the rows this call inserted that must be sent. */
export async function claimThresholds(
  sql: Sql,
  budget: string,
  windowStart: Date,
  crossed: number[],
): Promise<ClaimedAlert[]> {
  if (crossed.length === 0) return []
  const plan = claimPlan(crossed)
  const rows = await sql<{ id: string; threshold: string; pending: boolean }[]>`
    insert into alerts_sent (budget, window_start, threshold, delivered_at, last_error)
    select ${budget}, ${windowStart.toISOString()}::timestamptz, p.threshold,
      case when p.send then null else now() end, case when p.send then null else ${SUPERSEDED} end
    from json_to_recordset(${JSON.stringify(plan)}::json) as p(threshold numeric, send boolean)
    on conflict (budget, window_start, threshold) do nothing
    returning id::text as id, threshold::text as threshold, delivered_at is null as pending`
  return rows.filter((r) => r.pending).map((r) => ({ id: r.id, threshold: Number(r.threshold) }))
}

/** Undelivered rows still worth retrying (not expired, under the attempt cap), oldest first. */
export async function pendingAlerts(sql: Sql, maxAttempts: number): Promise<PendingAlert[]> {
  const rows = await sql<
    { id: string; budget: string; ws: string; threshold: string; attempts: number }[]
  >`
    select id::text as id, budget, (extract(epoch from window_start) * 1000)::bigint::text as ws,
      threshold::text as threshold, attempts
    from alerts_sent
    where delivered_at is null and attempts < ${maxAttempts}
      and (last_error is null or last_error not like 'expired%')
    order by created_at, id limit 200`
  return rows.map((r) => ({
    id: r.id,
    budget: r.budget,
    windowStart: new Date(Number(r.ws)),
    threshold: Number(r.threshold),
    attempts: r.attempts,
  }))
}

/** Gives up on a pending row: it stays undelivered (visible on the dashboard) but is not retried. */
export async function markExpired(sql: Sql, id: string, why: string): Promise<void> {
  await sql`
    update alerts_sent set last_error = ${`expired: ${why}`}
    where id = ${id}::bigint and delivered_at is null`
}

export type AttemptResult = 'delivered' | 'failed' | 'gone'

/** One delivery attempt under the row lock: 'gone' when the row is delivered or being delivered
 *  elsewhere. Failures count an attempt and keep the (masked) error. */
export async function deliverOnce(
  sql: Sql,
  id: string,
  send: () => Promise<void>,
  onError: (e: Error) => string,
): Promise<AttemptResult> {
  const result = await sql.begin(async (tx) => {
    const [row] = await tx`
      select id from alerts_sent where id = ${id}::bigint and delivered_at is null
      for update skip locked`
    if (!row) return 'gone' as const
    try {
      await send()
    } catch (e) {
      const text = onError(e instanceof Error ? e : new Error(String(e)))
      await tx`
        update alerts_sent set attempts = attempts + 1, last_error = ${text}
        where id = ${id}::bigint`
      return 'failed' as const
    }
    await tx`
      update alerts_sent set attempts = attempts + 1, delivered_at = now(), last_error = null
      where id = ${id}::bigint`
    return 'delivered' as const
  })
  return result
}
