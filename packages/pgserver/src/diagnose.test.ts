import { describe, expect, test } from 'bun:test'
import { describeFailure, failureLine, hintFor } from './diagnose.ts'

describe('failure lines', () => {
  test('the last FATAL of a server log, without its prefix', () => {
    const log = [
      '2026-12-07 10:00:00.000 UTC [10] LOG:  starting PostgreSQL 18.4',
      '2026-12-07 10:00:00.001 UTC [10] FATAL:  could not open file "global/pg_control": Permission denied',
      '2026-12-07 10:00:00.002 UTC [10] LOG:  database system is shut down',
    ].join('\n')
    expect(failureLine(log)).toBe('could not open file "global/pg_control": Permission denied')
  })

  test('initdb errors', () => {
    const out =
      'The files belonging to this database system will be owned by user "postgres".\n' +
      'initdb: error: could not access directory "/root/.tokentap/pg": Permission denied\n'
    expect(failureLine(out)).toBe(
      'could not access directory "/root/.tokentap/pg": Permission denied',
    )
  })

  test('a bad configuration file, with what is wrong in it', () => {
    const log = [
      '2026-12-07 10:00:00.000 UTC [10] LOG:  unrecognized configuration parameter "x_y" in file "/d/postgresql.conf" line 835',
      '2026-12-07 10:00:00.001 UTC [10] FATAL:  configuration file "/d/postgresql.conf" contains errors',
    ].join('\n')
    const line = failureLine(log) ?? ''
    expect(line).toBe(
      'configuration file "/d/postgresql.conf" contains errors: unrecognized configuration ' +
        'parameter "x_y" in file "/d/postgresql.conf" line 835',
    )
    expect(hintFor(line, '/d')).toBe('correct or remove that setting and start again')
  })

  test('nothing recognisable', () => {
    expect(failureLine('')).toBeNull()
    expect(failureLine('LOG:  all fine\n')).toBeNull()
  })
})

describe('hints', () => {
  test('known causes get their fix', () => {
    expect(hintFor('lock file "postmaster.pid" already exists', '/d')).toContain(
      'remove /d/postmaster.pid',
    )
    expect(
      hintFor('could not bind IPv4 address "127.0.0.1": Address already in use', '/d'),
    ).toContain('start again')
    expect(hintFor('database files are incompatible with server', '/d')).toContain('move /d away')
    expect(hintFor('could not open file: Permission denied', '/d')).toContain('permissions')
    expect(hintFor('something new', '/d')).toContain('DATABASE_URL')
  })

  test('one line: what, cause, fix, log', () => {
    const line = describeFailure(
      'Postgres stopped during start-up',
      'x FATAL:  lock file "postmaster.pid" already exists\n',
      '/d',
      '/h/logs/postgres.log',
    )
    expect(line).toBe(
      'Postgres stopped during start-up: lock file "postmaster.pid" already exists; another ' +
        'Postgres runs on /d: stop it, or remove /d/postmaster.pid if none does (log /h/logs/postgres.log)',
    )
    expect(describeFailure('initdb failed', '', '/d')).toStartWith(
      'initdb failed: no error message;',
    )
  })
})
