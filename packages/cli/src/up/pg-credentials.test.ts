import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newCredentials, readCredentials, urlFor, writeCredentials } from './pg-credentials.ts'

let dir: string
let file: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tt-pgjson-'))
  file = join(dir, 'pg.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('pg.json', () => {
  test('round trip, 0600, with the data dir it records', () => {
    expect(readCredentials(file)).toBeNull()
    const c = { ...newCredentials(), port: 5433, dataDir: '/var/lib/tokentap/pg-data/x' }
    writeCredentials(file, c)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readCredentials(file)).toEqual(c)
  })

  test('files from before the data dir was recorded still read', () => {
    writeFileSync(
      file,
      JSON.stringify({ user: 'tokentap', password: 'pw', port: 1, database: 'd' }),
    )
    expect(readCredentials(file)).toEqual({
      user: 'tokentap',
      password: 'pw',
      port: 1,
      database: 'd',
    })
  })

  test('a broken file is one line naming it and the way out', () => {
    writeFileSync(file, '{"user":')
    expect(() => readCredentials(file)).toThrow(`${file} is not valid JSON`)
    writeFileSync(file, '{"user":"u"}')
    expect(() => readCredentials(file)).toThrow(
      `${file} is malformed (expected user and password); restore it, or remove it together with the data dir it names`,
    )
  })

  test('URLs encode credentials and point at loopback', () => {
    const c = { user: 'a b', password: 'p@ss/w', port: 0, database: 'tokentap' }
    expect(urlFor(c, 5432, 'postgres')).toBe('postgres://a%20b:p%40ss%2Fw@127.0.0.1:5432/postgres')
  })
})
