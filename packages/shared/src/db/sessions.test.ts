// The session totals: sessionsUpsert folded over several batches (as several flushes or proxy
// replicas write them) equals plain SQL over usage_events written apart from sessions.ts; and
// migration 0007 backfills the rows stored before usage_sessions existed. The writer's own
// fold: services/proxy/src/sink/pg-write.test.ts.

import { afterAll, describe, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { insertRecords, makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import type { Sql } from './client.ts'
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts'
import { SESSION_INPUTS } from './sessions.ts'

const dbs: TestDatabase[] = []
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Plain SQL per session over usage_events (no import from rollup.ts or sessions.ts). */
const REFERENCE = `select session,
  to_char(min(started_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as first_at,
  to_char(max(started_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as last_at,
  min("user") as user_min, max("user") as user_max, min(project) as project_min,
  max(project) as project_max, min(program) as program_min, max(program) as program_max,
  count(*)::text as requests,
  count(*) filter (where outcome <> 'ok')::text as errors,
  count(*) filter (where billable)::text as billable_requests,
  coalesce(sum(input_tokens) filter (where billable), 0)::text as input_tokens,
  coalesce(sum(output_tokens) filter (where billable), 0)::text as output_tokens,
  coalesce(sum(cache_read_tokens) filter (where billable), 0)::text as cache_read_tokens,
  coalesce(sum(cache_write_5m_tokens) filter (where billable), 0)::text as cache_write_5m_tokens,
  coalesce(sum(cache_write_1h_tokens) filter (where billable), 0)::text as cache_write_1h_tokens,
  coalesce(sum(reasoning_tokens) filter (where billable), 0)::text as reasoning_tokens,
  coalesce(sum(cost_usd), 0)::text as cost_usd,
  count(*) filter (where billable and cost_usd is null)::text as unpriced_requests,
  count(*) filter (where usage_source = 'estimated')::text as estimated_requests,
  coalesce(sum(credits), 0)::text as credits,
  count(*) filter (where billable and billing_kind = 'subscription')::text as subscription_requests,
  coalesce(sum(cost_usd) filter (where billing_kind = 'subscription'), 0)::text
    as subscription_value_usd
from usage_events where session is not null group by session order by session`

/** The same columns from usage_sessions. */
const STORED = `select session,
  to_char(first_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as first_at,
  to_char(last_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as last_at,
  user_min, user_max, project_min, project_max, program_min, program_max,
  requests::text, errors::text, billable_requests::text, input_tokens::text,
  output_tokens::text, cache_read_tokens::text, cache_write_5m_tokens::text,
  cache_write_1h_tokens::text, reasoning_tokens::text, cost_usd::text,
  unpriced_requests::text, estimated_requests::text, credits::text,
  subscription_requests::text, subscription_value_usd::text
from usage_sessions order by session`

/** numeric sums print with their scale (1.50000000 vs 1.5): compare as numbers of the text. */
const same = async (sql: Sql) => {
  const norm = (rows: Record<string, unknown>[]) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          k === 'cost_usd' || k === 'credits' || k === 'subscription_value_usd'
            ? String(Number(v))
            : v,
        ]),
      ),
    )
  return {
    stored: norm(await sql.unsafe(STORED)),
    reference: norm(await sql.unsafe(REFERENCE)),
  }
}

describe('usage_sessions', () => {
  test('the writer returns what the fold reads', () => {
    for (const c of ['session', 'started_at', 'user', 'project', 'program', 'cost_usd']) {
      expect(SESSION_INPUTS).toContain(c)
    }
  })

  test('folded in several batches (flushes, replicas), it equals SQL over usage_events', async () => {
    const db = await testDatabase()
    dbs.push(db)
    const records = makeRecords(600, { seed: 16, mixed: 0.5 })
    // Interleaved batches of different sizes: each session's rows reach it in several flushes.
    for (let i = 0, n = 1; i < records.length; i += n, n = (n * 7) % 97) {
      await insertRecords(db.sql, records.slice(i, i + n))
    }
    const { stored, reference } = await same(db.sql)
    expect(stored.length).toBe(5)
    expect(stored).toEqual(reference)
    // Several users, projects and programs in one session: smallest and largest kept.
    expect(stored.some((r) => r.user_min !== r.user_max)).toBe(true)
  }, 30_000)
})

/** A copy of the migrations folder whose journal ends with `tag`. */
function migrationsThrough(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tt-migrations-'))
  dirs.push(dir)
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true })
  const file = join(dir, 'meta/_journal.json')
  const journal = JSON.parse(readFileSync(file, 'utf8')) as { entries: { tag: string }[] }
  const at = journal.entries.findIndex((e) => e.tag === tag)
  expect(at).toBeGreaterThan(0)
  journal.entries = journal.entries.slice(0, at + 1)
  writeFileSync(file, JSON.stringify(journal))
  return dir
}

describe('migration 0007 backfills sessions stored before it', () => {
  test('rows with a session become their sessions; rows without stay out', async () => {
    const db = await testDatabase({ migrate: false })
    dbs.push(db)
    const { sql } = db
    await migrateDatabase(sql, { migrationsFolder: migrationsThrough('0006_sessions_agents') })
    const rows: [string | null, string, string, number, string | null, boolean][] = [
      // session, started_at, user, input tokens, cost, billable
      ['s-1', '2026-01-15T10:00:00Z', 'alice', 100, '0.25', true],
      ['s-1', '2026-01-15T11:30:00Z', 'bob', 50, null, true],
      ['s-1', '2026-01-15T10:10:00Z', 'alice', 7, '0', false],
      ['s-2', '2026-01-15T09:00:00Z', 'carol', 10, '0.125', true],
      [null, '2026-01-15T09:00:00Z', 'carol', 999, '9', true],
    ]
    for (const [session, at, user, input, cost, billable] of rows) {
      await sql`
        insert into usage_events (id, started_at, duration_ms, provider, host, method, path,
          stream, transport, outcome, usage_source, billable, request_bytes, response_bytes,
          session, "user", input_tokens, cost_usd)
        values (${Bun.randomUUIDv7()}, ${at}, 1, 'anthropic', 'api.anthropic.com', 'POST',
          '/v1/messages', false, 'http', 'ok', 'provider', ${billable}, 1, 1, ${session},
          ${user}, ${input}, ${cost})`
    }
    const r = await migrateDatabase(sql, {
      migrationsFolder: migrationsThrough('0007_sessions_backfill'),
    })
    expect(r.applied).toBe(1)
    const got = await sql`select session, first_at::text, last_at::text, user_min, user_max,
      requests::int, billable_requests::int, input_tokens::int, cost_usd::float8,
      unpriced_requests::int from usage_sessions order by session`
    expect(got.map((x) => ({ ...x }))).toEqual([
      {
        session: 's-1',
        first_at: '2026-01-15 10:00:00+00',
        last_at: '2026-01-15 11:30:00+00',
        user_min: 'alice',
        user_max: 'bob',
        requests: 3,
        billable_requests: 2,
        input_tokens: 150,
        cost_usd: 0.25,
        unpriced_requests: 1,
      },
      {
        session: 's-2',
        first_at: '2026-01-15 09:00:00+00',
        last_at: '2026-01-15 09:00:00+00',
        user_min: 'carol',
        user_max: 'carol',
        requests: 1,
        billable_requests: 1,
        input_tokens: 10,
        cost_usd: 0.125,
        unpriced_requests: 0,
      },
    ])
  }, 30_000)
})
