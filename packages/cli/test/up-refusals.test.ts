// `tokentap up` refusing to start, as a real process: each cause we can provoke cheaply (a bad
// variable, an unusable TOKENTAP_HOME, a DATABASE_URL that is not Postgres, a cluster of another
// Postgres major, team mode without a dashboard key) exits 1 with one line naming the cause and
// the fix, and never a stack trace. Bounded by a generous hang guard, not timed.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { exitCode, MAIN } from './up-process.ts'

let root: string

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tt-refuse-'))
  chmodSync(root, 0o755)
})

afterAll(() => rmSync(root, { recursive: true, force: true }))

function start(env: Record<string, string>) {
  const p = Bun.spawn(['bun', MAIN, 'up'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: root,
      TOKENTAP_HOME: join(root, 'home'),
      PROXY_PORT: '0',
      DASHBOARD_PORT: '0',
      ...env,
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  return { p, stderr: new Response(p.stderr).text() }
}

describe('tokentap up refuses to start, with one line and exit 1', () => {
  /** Runs `up` to its exit (or 'hang' after a generous bound); returns the code and stderr. */
  async function refused(env: Record<string, string>) {
    const { p, stderr } = start(env)
    const code = await exitCode(p)
    const text = await stderr
    const lines = text.trim().split('\n')
    return { code, text, last: lines.at(-1) ?? '' }
  }

  test('on a bad configuration variable, before starting Postgres', async () => {
    const r = await refused({ PROXY_PORT: 'eighty' })
    expect(r.code).toBe(1)
    expect(r.last).toEndWith(
      'error configuration error: PROXY_PORT: expected an integer, got "eighty"',
    )
    expect(r.text).not.toContain('initialising Postgres')
    expect(r.text).not.toContain('    at ')
  }, 30_000)

  test('when TOKENTAP_HOME is not a usable directory', async () => {
    const notDir = join(root, 'a-file')
    writeFileSync(notDir, '')
    const r = await refused({ TOKENTAP_HOME: notDir })
    expect(r.code).toBe(1)
    expect(r.text.trim()).toBe(
      `cannot use ${notDir} (not a directory); set TOKENTAP_HOME to a directory you can write to`,
    )
  }, 30_000)

  test('when DATABASE_URL names a server that is not Postgres (the migration cannot run)', async () => {
    const http = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: () => new Response('no') })
    try {
      const r = await refused({
        TOKENTAP_HOME: join(root, 'external-home'),
        DATABASE_URL: `postgres://u:hunter2@127.0.0.1:${http.port}/db`,
      })
      expect(r.code).toBe(1)
      expect(r.last).toContain(
        `error cannot migrate the database at DATABASE_URL (postgres://u:***@127.0.0.1:${http.port}/db): ` +
          `127.0.0.1:${http.port} does not speak the Postgres protocol`,
      )
      expect(r.last).toContain('unset it to use the embedded one')
      expect(r.text).not.toContain('hunter2')
    } finally {
      await http.stop(true)
    }
  }, 30_000)

  test('when the data dir holds a cluster of another Postgres major version', async () => {
    const other = join(root, 'other-home')
    const cluster = join(root, 'old-cluster')
    mkdirSync(other, { recursive: true })
    mkdirSync(cluster, { recursive: true })
    writeFileSync(join(cluster, 'PG_VERSION'), '17\n')
    writeFileSync(
      join(other, 'pg.json'),
      JSON.stringify({
        user: 'tokentap',
        password: 'x',
        port: 0,
        database: 'tokentap',
        dataDir: cluster,
      }),
    )
    const r = await refused({ TOKENTAP_HOME: other })
    expect(r.code).toBe(1)
    expect(r.last).toContain(
      `${cluster} holds a Postgres 17 cluster but the embedded server is Postgres`,
    )
    expect(r.last).toContain(`mv ${cluster} ${cluster}.pg17`)
  }, 30_000)

  test('tokentap up with PROXY_USERS (team mode) refuses to start without DASHBOARD_API_KEY', async () => {
    const users = join(root, 'users.json')
    writeFileSync(
      users,
      JSON.stringify({ users: [{ name: 'alice', tokenSha256: 'a'.repeat(64) }] }),
    )
    const r = await refused({ PROXY_USERS: users })
    expect(r.code).toBe(1)
    expect(r.last).toContain(
      'error configuration error: DASHBOARD_API_KEY: required when PROXY_USERS is set (team mode)',
    )
    expect(r.text).not.toContain('initialising Postgres')
  }, 30_000)
})
