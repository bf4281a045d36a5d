// Seeded data for the dashboard's integration tests: a varied spread of records (several
// providers, models, users, projects, programs, outcomes, null costs, estimated rows) over nine
// days at irregular times, plus ties, '' attributions, bodies and alerts. Written with plain SQL
// (@tokentap/testing insertRecords); the rollup is folded from the events as the proxy's writer
// does.

import type { UsageRecord } from '@tokentap/shared'
import type { Sql } from '@tokentap/shared/db'
import { insertRecords, makeRecords } from '@tokentap/testing'

/** "Now" for the seeded data: the spread ends a little before it. */
export const SEED_NOW = new Date('2026-01-17T15:20:00Z')
export const SEED_START = Date.parse('2026-01-08T09:17:23.456Z')

/** A record like makeRecords' with overrides. */
export function record(overrides: Partial<UsageRecord>): UsageRecord {
  const base = makeRecords(1, { seed: 99 })[0]!
  return { ...base, id: Bun.randomUUIDv7(), billingKind: 'api_key', ...overrides }
}

export interface Seeded {
  records: UsageRecord[]
  /** An event with captured bodies. */
  bodiesId: string
}

export async function seed(sql: Sql): Promise<Seeded> {
  const records = makeRecords(700, { seed: 7, startMs: SEED_START, spanMs: 9 * 86_400_000 })
  // makeRecords mints ids in loop order; ids must follow started_at as the proxy's UUIDv7 do.
  const tie = '2026-01-16T12:34:56.789Z'
  const extra = [
    record({ startedAt: tie, user: '', project: '', costUsd: 0.25, usageSource: 'estimated' }),
    record({ startedAt: tie, user: 'dave', costUsd: null, billable: true, model: 'mystery-1' }),
    record({ startedAt: tie, user: 'dave', costUsd: 1.5, provider: 'openai', program: '=cmd' }),
    record({ startedAt: '2026-01-17T00:00:00.000Z', user: 'erin', credits: 2.5 }),
    record({ startedAt: '2026-01-17T14:59:59.999Z', user: 'erin', outcome: 'failed' }),
  ]
  const all = [...records, ...extra]
  for (let i = 0; i < all.length; i += 200) await insertRecords(sql, all.slice(i, i + 200))
  const bodiesId = extra[2]!.id
  await sql`insert into exchange_bodies (event_id, request, response)
    values (${bodiesId}::uuid, '{"model":"gpt-5"}', 'data: done')`
  await sql`insert into alerts_sent (budget, window_start, threshold, delivered_at, attempts)
    values ('team-daily', '2026-01-17T00:00:00Z', 0.5, '2026-01-17T10:00:00Z', 1),
           ('team-daily', '2026-01-17T00:00:00Z', 0.8, null, 2)`
  return { records: all, bodiesId }
}
