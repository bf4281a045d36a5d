import { afterAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { writeState } from '../state/state.ts'
import { writeCredentials } from '../up/pg-credentials.ts'
import { findDatabase } from './database.ts'

const root = mkdtempSync(join(tmpdir(), 'tt-reprice-db-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

function home(name: string, embeddedDataDir: string | null, pid = process.pid): string {
  const h = join(root, name)
  mkdirSync(h, { recursive: true })
  writeState(join(h, 'up.json'), {
    pid,
    startedAt: '2026-11-23T12:00:00.000Z',
    proxy: { host: '127.0.0.1', port: 8080 },
    dashboard: { host: '127.0.0.1', port: 3000 },
    caCert: join(h, 'ca', 'ca.pem'),
    logFile: join(h, 'logs', 'tokentap.log'),
    embeddedDataDir,
  })
  return h
}

describe('the database a reprice rewrites', () => {
  test('DATABASE_URL first (password masked in the description)', () => {
    const h = home('with-url', '/var/lib/x')
    const found = findDatabase({ DATABASE_URL: 'postgres://u:secret@db:5432/tt', TOKENTAP_HOME: h })
    expect(found.url).toBe('postgres://u:secret@db:5432/tt')
    expect(found.describe).toBe('DATABASE_URL (postgres://u:***@db:5432/tt)')
    expect(() => findDatabase({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL: expected')
  })

  test("a running `tokentap up`'s embedded Postgres, from pg.json", () => {
    const h = home('embedded', '/var/lib/tokentap/pg-data/x')
    writeCredentials(join(h, 'pg.json'), {
      user: 'tokentap',
      password: 'p@ss/word',
      port: 54321,
      database: 'tokentap',
    })
    const found = findDatabase({ TOKENTAP_HOME: h })
    expect(found.url).toBe('postgres://tokentap:p%40ss%2Fword@127.0.0.1:54321/tokentap')
    expect(found.describe).toContain(`\`tokentap up\` (pid ${process.pid}`)
    expect(found.describe).not.toContain('p%40ss')
  })

  test('nothing to connect to: one clear error each', () => {
    expect(() => findDatabase({ TOKENTAP_HOME: join(root, 'none') })).toThrow(
      'no database: set DATABASE_URL, or start `tokentap up`',
    )
    // `up` is gone (a pid that cannot be alive): its state does not count
    const gone = home('gone', '/x', 2 ** 22 + 17)
    expect(() => findDatabase({ TOKENTAP_HOME: gone })).toThrow('no database')
    const external = home('external', null)
    expect(() => findDatabase({ TOKENTAP_HOME: external })).toThrow(
      'uses the database of its DATABASE_URL: set DATABASE_URL to the same',
    )
    const noCreds = home('no-creds', '/x')
    expect(() => findDatabase({ TOKENTAP_HOME: noCreds })).toThrow('no credentials in')
    writeFileSync(join(noCreds, 'pg.json'), '{"user":"a","password":"b","port":0}')
    expect(() => findDatabase({ TOKENTAP_HOME: noCreds })).toThrow('no credentials in')
  })
})
