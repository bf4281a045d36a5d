// The compose migrate step against real Postgres: the dashboard's login role reads every table
// (also ones created after it), writes nothing, and re-running rotates its password.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import { ConfigError } from '@tokentap/shared'
import { postgres, type Sql } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { ensureDashboardLogin, loadProvisionConfig, provision, scramVerifier } from './provision.ts'

describe('loadProvisionConfig', () => {
  test('needs DATABASE_URL; the dashboard role only with a password', () => {
    expect(() => loadProvisionConfig({})).toThrow(ConfigError)
    expect(() => loadProvisionConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/)
    const bare = loadProvisionConfig({ DATABASE_URL: 'postgres://u:p@h/db' })
    expect(bare.dashboard).toBeNull()
    const full = loadProvisionConfig({
      DATABASE_URL: 'postgres://u:p@h/db',
      DASHBOARD_DB_PASSWORD: 'long-enough-secret',
    })
    expect(full.dashboard).toEqual({
      user: 'tokentap_dashboard_user',
      password: 'long-enough-secret',
    })
  })

  test('rejects odd role names, the group role itself and short passwords', () => {
    const base = {
      DATABASE_URL: 'postgres://u:p@h/db',
      DASHBOARD_DB_PASSWORD: 'long-enough-secret',
    }
    expect(() => loadProvisionConfig({ ...base, DASHBOARD_DB_USER: 'Robert"; drop' })).toThrow(
      /DASHBOARD_DB_USER/,
    )
    expect(() => loadProvisionConfig({ ...base, DASHBOARD_DB_USER: 'tokentap_dashboard' })).toThrow(
      /DASHBOARD_DB_USER/,
    )
    expect(() => loadProvisionConfig({ ...base, DASHBOARD_DB_PASSWORD: 'short' })).toThrow(
      /DASHBOARD_DB_PASSWORD/,
    )
  })
})

test('scramVerifier has the shape Postgres stores and salts every call', () => {
  const v = scramVerifier('secret')
  expect(v).toMatch(/^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/)
  expect(scramVerifier('secret')).not.toBe(v)
  const salt = Buffer.alloc(16, 1)
  expect(scramVerifier('secret', salt)).toBe(scramVerifier('secret', salt))
})

describe('dashboard login role', () => {
  let db: TestDatabase
  const user = `tt_dash_${randomBytes(4).toString('hex')}`
  const opened: Sql[] = []
  const loginAs = (password: string): Sql => {
    const url = new URL(db.url)
    url.username = user
    url.password = password
    const sql = postgres(url.toString(), { max: 1, onnotice: () => {}, connect_timeout: 10 })
    opened.push(sql)
    return sql
  }

  beforeAll(async () => {
    db = await testDatabase()
  }, 60_000)
  afterAll(async () => {
    await Promise.all(opened.map((s) => s.end({ timeout: 1 })))
    if (!db) return
    await db.drop()
    const admin = postgres(db.url.replace(/\/[^/]+$/, '/postgres'), { max: 1, onnotice: () => {} })
    await admin.unsafe(`drop role if exists "${user}"`).catch(() => undefined)
    await admin.end({ timeout: 1 })
  }, 60_000)

  test('provision migrates (idempotent) and creates a read-only login member', async () => {
    const logs: string[] = []
    const password = 'first-password-123'
    await provision(
      { databaseUrl: db.url, dashboard: { user, password } },
      (m) => void logs.push(m),
    )
    expect(logs.join('\n')).toContain(`${user}: created`)
    expect(logs.join('\n')).not.toContain(password)

    const dash = loginAs(password)
    const [row] = await dash<{ n: number }[]>`select count(*)::int as n from usage_events`
    expect(row?.n).toBe(0)
    await dash`select 1 from usage_rollup_hourly, alerts_sent, exchange_bodies limit 1`
    await expect(dash`delete from usage_events`).rejects.toThrow(/permission denied/)
    await expect(dash`create table dash_owned (x int)`).rejects.toThrow(/permission denied/)
  }, 60_000)

  test('tables the owner creates later are readable through the default privileges', async () => {
    await db.sql`create table later_table (x int)`
    await db.sql`insert into later_table values (7)`
    const [row] = await loginAs('first-password-123')<{ x: number }[]>`select x from later_table`
    expect(row?.x).toBe(7)
  }, 30_000)

  test('running again rotates the password', async () => {
    expect(await ensureDashboardLogin(db.sql, user, 'second-password-456')).toBe('updated')
    const [row] = await loginAs('second-password-456')<{ ok: number }[]>`select 1 as ok`
    expect(row?.ok).toBe(1)
    await expect(loginAs('first-password-123')`select 1`).rejects.toThrow(/password/)
  }, 30_000)
})
