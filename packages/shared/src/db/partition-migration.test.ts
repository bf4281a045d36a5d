// Migration 0008 turns an existing usage_events into monthly partitions (docs/ARCHITECTURE.md
// §6): a database filled as the release before it left it — rows over three months with every
// column of 0000–0007 (billing kind, account, billed units, sessions, agents), their rollups,
// session totals, account rows and captured bodies, plus a column and an index added outside
// the migrations — comes out with the same rows, rollups, totals and bodies, one partition per
// month, and still takes ADD COLUMN and new months afterwards.

import { afterAll, describe, expect, test } from 'bun:test'
import { insertRecords, makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import type postgres from 'postgres'
import { migrateDatabase } from './migrate.ts'
import { listPartitions, monthsFrom } from './partitions.ts'
import { migrationsUpTo, migrationTags, removeMigrationCopies } from './testing/migrations.ts'

const TAG = '0008_partitions'
const NOW = Date.parse('2026-01-10T08:00:00Z')
const dbs: TestDatabase[] = []
afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
  removeMigrationCopies()
})

const events = async (sql: postgres.Sql): Promise<unknown[]> =>
  (await sql<{ j: unknown }[]>`select to_jsonb(e) as j from usage_events e order by id`).map(
    (r) => r.j,
  )
const rollup = async (sql: postgres.Sql): Promise<unknown[]> =>
  (
    await sql<{ j: unknown }[]>`select to_jsonb(r) as j from usage_rollup_hourly r
      order by "hour", provider, model, "user", project, program`
  ).map((r) => r.j)
const sessions = async (sql: postgres.Sql): Promise<unknown[]> =>
  (await sql<{ j: unknown }[]>`select to_jsonb(s) as j from usage_sessions s order by session`).map(
    (r) => r.j,
  )
const bodies = async (sql: postgres.Sql): Promise<unknown[]> =>
  (
    await sql<{ j: unknown }[]>`select to_jsonb(b) as j from exchange_bodies b order by event_id`
  ).map((r) => r.j)

describe('migration 0008: usage_events partitioned by month', () => {
  test('existing rows, rollups and bodies are kept, one partition per month', async () => {
    const db = await testDatabase({ migrate: false })
    dbs.push(db)
    const { sql } = db
    await migrateDatabase(sql, { migrationsFolder: migrationsUpTo(TAG), now: () => NOW })
    // What an operator may have added by hand: a column and an index.
    await sql`alter table usage_events add column billed_units bigint default 7`
    await sql`create index usage_events_ops_idx on usage_events (account, started_at)`
    const records = makeRecords(600, {
      seed: 4,
      startMs: Date.parse('2025-11-20T00:00:00Z'),
      spanMs: 60 * 86_400_000,
    })
    await insertRecords(sql, records)
    await sql`update usage_events set billed_units = input_tokens where input_tokens is not null`
    for (const r of records.slice(0, 40)) {
      await sql`insert into exchange_bodies (event_id, request, response)
        values (${r.id}, ${`req ${r.id}`}, ${`res ${r.id}`})`
    }
    const before = {
      events: await events(sql),
      rollup: await rollup(sql),
      sessions: await sessions(sql),
      bodies: await bodies(sql),
    }
    expect(before.events).toHaveLength(600)
    expect(before.sessions.length).toBeGreaterThan(0)

    const tags = migrationTags()
    const r = await migrateDatabase(sql, { now: () => NOW })
    expect(r.applied).toBe(tags.length - tags.indexOf(TAG))

    const [kind] = await sql<{ k: string }[]>`
      select relkind::text as k from pg_class where oid = 'usage_events'::regclass`
    expect(kind?.k).toBe('p')
    expect(await events(sql)).toEqual(before.events)
    expect(await rollup(sql)).toEqual(before.rollup)
    expect(await sessions(sql)).toEqual(before.sessions)
    expect(await bodies(sql)).toEqual(before.bodies)
    const [ids] = await sql<{ n: number; d: number }[]>`
      select count(*)::int as n, count(distinct id)::int as d from usage_events`
    expect(ids).toEqual({ n: 600, d: 600 })

    // Months holding rows, the current one and three ahead; every row in its own month.
    const parts = await listPartitions(sql)
    expect(parts.map((p) => p.month)).toEqual([
      ...new Set(['2025-11', '2025-12', ...monthsFrom(NOW)]),
    ])
    expect(parts.every((p) => p.state === 'attached')).toBe(true)
    const misplaced = await sql`
      select 1 from usage_events
      where tableoid::regclass::text <> 'usage_events_' || to_char(started_at at time zone 'UTC', 'YYYY_MM')`
    expect(misplaced).toHaveLength(0)

    // Keys, the extra index and the grants came along.
    const idx = await sql<{ name: string }[]>`
      select c.relname as name from pg_index i join pg_class c on c.oid = i.indexrelid
      where i.indrelid = 'usage_events'::regclass order by 1`
    expect(idx.map((x) => x.name)).toEqual([
      'usage_events_id_started_at_pk',
      'usage_events_model_started_at_idx',
      'usage_events_ops_idx',
      'usage_events_project_started_at_idx',
      'usage_events_provider_started_at_idx',
      'usage_events_session_started_at_idx',
      'usage_events_started_at_idx',
      'usage_events_user_started_at_idx',
    ])
    const [grant] = await sql<{ ok: boolean }[]>`
      select has_table_privilege('tokentap_dashboard', 'usage_events', 'select') as ok`
    expect(grant?.ok).toBe(true)
    const [fk] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_constraint where conrelid = 'exchange_bodies'::regclass
        and contype = 'f'`
    expect(fk?.n).toBe(0)

    // A column added after it reaches every partition; a new month gets its partition.
    await sql`alter table usage_events add column region text not null default 'eu'`
    const later = makeRecords(3, { seed: 5, startMs: Date.parse('2027-06-02T00:00:00Z') })
    await insertRecords(sql, later)
    const regions = await sql<{ k: string; n: number }[]>`
      select region as k, count(*)::int as n from usage_events group by 1`
    expect([...regions]).toEqual([{ k: 'eu', n: 603 }])
    expect((await listPartitions(sql)).map((p) => p.month)).toContain('2027-06')
  })
})
