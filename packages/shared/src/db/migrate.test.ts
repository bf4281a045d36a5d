// Migrations: apply on a fresh database, idempotent, advisory-locked against concurrent
// callers, and the dashboard role is read-only (also when the migrator lacks CREATEROLE).

import { afterAll, describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { serverUrl, type TestDatabase, testDatabase } from '@tokentap/testing'
import postgres from 'postgres'
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate.ts'

const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as {
  entries: { tag: string }[]
}
const dbs: TestDatabase[] = []
const fresh = async (): Promise<TestDatabase> => {
  const d = await testDatabase({ migrate: false })
  dbs.push(d)
  return d
}
const client = (url: string): postgres.Sql => postgres(url, { max: 3, onnotice: () => {} })

afterAll(async () => {
  await Promise.all(dbs.map((d) => d.drop()))
})

const tables = async (sql: postgres.Sql): Promise<string[]> =>
  (
    await sql<{ t: string }[]>`
      select table_name as t from information_schema.tables
      where table_schema = 'public'
        and table_name not in (select relname from pg_class where relispartition)
      order by 1`
  ).map((r) => r.t)

const applied = async (sql: postgres.Sql): Promise<number> => {
  const [r] = await sql<
    { n: number }[]
  >`select count(*)::int as n from drizzle.__drizzle_migrations`
  return r?.n ?? -1
}

describe('migrateDatabase', () => {
  test('applies every migration on a fresh database, then is a no-op', async () => {
    const { sql } = await fresh()
    const first = await migrateDatabase(sql)
    expect(first).toEqual({ applied: journal.entries.length, total: journal.entries.length })
    expect(await tables(sql)).toEqual([
      'account_limits',
      'alerts_sent',
      'exchange_bodies',
      'usage_events',
      'usage_rollup_hourly',
      'usage_sessions',
    ])
    expect(await migrateDatabase(sql)).toEqual({ applied: 0, total: journal.entries.length })
    expect(await applied(sql)).toBe(journal.entries.length)
  })

  // Without the lock, two drizzle migrators on a fresh database collide on
  // CREATE SCHEMA/TABLE IF NOT EXISTS or apply the set twice (seen in 1 of 5 tries).
  test('two connections migrating at once end with one applied set', async () => {
    for (let round = 0; round < 3; round++) {
      const { url } = await fresh()
      const a = client(url)
      const b = client(url)
      try {
        const results = await Promise.all([migrateDatabase(a), migrateDatabase(b)])
        expect(results.map((r) => r.applied).sort()).toEqual([0, journal.entries.length])
        expect(await applied(a)).toBe(journal.entries.length)
      } finally {
        await Promise.all([a.end(), b.end()])
      }
    }
  })

  test('refuses a single-connection pool instead of deadlocking', async () => {
    const { url } = await fresh()
    const one = postgres(url, { max: 1 })
    await expect(migrateDatabase(one)).rejects.toThrow(/max >= 2/)
    await one.end()
  })
})

describe('dashboard role', () => {
  test('exists, can SELECT, cannot INSERT', async () => {
    const { sql } = await fresh()
    await migrateDatabase(sql)
    const [role] = await sql<{ rolcanlogin: boolean }[]>`
      select rolcanlogin from pg_roles where rolname = 'tokentap_dashboard'`
    expect(role).toBeDefined()
    const err = await sql
      .begin(async (tx) => {
        await tx`set local role tokentap_dashboard`
        for (const t of [
          'usage_events',
          'usage_rollup_hourly',
          'usage_sessions',
          'alerts_sent',
          'exchange_bodies',
        ]) {
          await tx.unsafe(`select count(*) from ${t}`)
        }
        await tx`insert into alerts_sent (budget, window_start, threshold)
                 values ('b', now(), 1)`
      })
      .catch((e: { code?: string }) => e)
    expect((err as { code?: string }).code).toBe('42501') // insufficient_privilege
  })

  test('migrating without CREATEROLE succeeds; the role block only raises a NOTICE', async () => {
    const d = await fresh()
    const tag = Math.random().toString(36).slice(2, 8)
    const user = `tt_migrator_${tag}`
    await d.sql.unsafe(`create role ${user} login password 'pw' nocreaterole nosuperuser`)
    await d.sql.unsafe(`alter database "${d.name}" owner to ${user}`)
    await d.sql.unsafe(`alter schema public owner to ${user}`)
    const u = new URL(d.url)
    u.username = user
    u.password = 'pw'
    const notices: string[] = []
    const asUser = postgres(u.toString(), {
      max: 2,
      onnotice: (n) => notices.push(String(n.message)),
    })
    try {
      // Full migration as the unprivileged owner.
      expect((await migrateDatabase(asUser)).applied).toBe(journal.entries.length)
      // The role is cluster-wide and may already exist: run the role block with a new name
      // so the insufficient_privilege branch is exercised for certain.
      const roleSql = readFileSync(join(MIGRATIONS_FOLDER, '0001_dashboard_role.sql'), 'utf8')
      const block = roleSql.split('--> statement-breakpoint')[0]!
      await asUser.unsafe(block.replaceAll('tokentap_dashboard', `tt_dash_${tag}`))
      expect(notices.some((n) => n.includes(`tt_dash_${tag} not created`))).toBe(true)
      const [r] =
        await asUser`select count(*)::int as n from pg_roles where rolname = ${`tt_dash_${tag}`}`
      expect(r?.n).toBe(0)
    } finally {
      await asUser.end()
      await d.drop()
      dbs.splice(dbs.indexOf(d), 1)
      const admin = postgres(await serverUrl(), { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop role if exists ${user}`)
      await admin.end()
    }
  })
})
