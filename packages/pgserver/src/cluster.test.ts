// initdb and postmaster failures with stand-in binaries (shell scripts that fail as the real ones
// do, or none at all): each becomes one PgServerError line with cause and fix, never a hang.
// The real binaries run in every test that starts Postgres (@tokentap/testing, tokentap up).

import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { initCluster, startPostmaster } from './cluster.ts'
import { PgServerError } from './diagnose.ts'

let tmp: string
let binDir: string

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tt-cluster-'))
  binDir = join(tmp, 'native')
  mkdirSync(join(binDir, 'bin'), { recursive: true })
})

afterEach(() => rmSync(tmp, { recursive: true, force: true }))

function fake(name: string, script: string): void {
  writeFileSync(join(binDir, 'bin', name), `#!/bin/sh\n${script}\n`, { mode: 0o755 })
}

const init = () =>
  initCluster({
    binDir,
    dataDir: join(tmp, 'data'),
    user: 'u',
    password: 'p',
    auth: 'password',
    runAs: null,
  })

const server = () =>
  startPostmaster({
    binDir,
    dataDir: join(tmp, 'data'),
    port: 1,
    settings: {},
    runAs: null,
    logFile: join(tmp, 'postgres.log'),
    detached: false,
    readyTimeoutMs: 20_000,
  })

describe('initCluster', () => {
  test('a missing initdb', async () => {
    const e = await init().catch((x: unknown) => x)
    expect(e).toBeInstanceOf(PgServerError)
    expect((e as Error).message).toMatch(
      /^cannot run .*\/bin\/initdb \(ENOENT\); run `bun install`/,
    )
  })

  test('initdb failing: its error line and a fix', async () => {
    fake(
      'initdb',
      'echo "initdb: error: could not access directory \\"/x/pg\\": Permission denied" >&2; exit 1',
    )
    await expect(init()).rejects.toThrow(
      `initdb could not create ${join(tmp, 'data')}: could not access directory "/x/pg": ` +
        "Permission denied; the server's OS user cannot reach",
    )
  })
})

describe('startPostmaster', () => {
  test('a missing postgres binary', async () => {
    await expect(server()).rejects.toThrow(/^cannot run .*\/bin\/postgres \(ENOENT\)/)
  })

  test('a server that stops during start-up: its FATAL line, the fix and the log', async () => {
    fake(
      'postgres',
      'echo "LOG:  starting"; echo "FATAL:  lock file \\"postmaster.pid\\" already exists" >&2; exit 1',
    )
    const log = join(tmp, 'postgres.log')
    await expect(server()).rejects.toThrow(
      'Postgres stopped during start-up: lock file "postmaster.pid" already exists; another ' +
        `Postgres runs on ${join(tmp, 'data')}: stop it, or remove ${join(tmp, 'data')}/postmaster.pid ` +
        `if none does (log ${log})`,
    )
  })
})
