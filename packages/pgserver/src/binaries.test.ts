// Staging into a temp "system dir" from a small fake native tree (same shape as the package's:
// bin/, lib/ with relative symlinks, share/): complete copies, atomic under concurrent starts.

import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { installedBinaries, stageBinaries } from './binaries.ts'

const pkg = { version: '18.4.0-test.1', platform: 'linux', arch: 'x64' }
let tmp: string
let native: string
let system: string

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tt-stage-'))
  native = join(tmp, 'native')
  system = join(tmp, 'system')
  for (const d of ['bin', 'lib/postgresql', 'share/postgresql']) {
    mkdirSync(join(native, d), { recursive: true })
  }
  for (const b of ['initdb', 'postgres', 'pg_ctl']) {
    writeFileSync(join(native, 'bin', b), `#!/bin/sh\necho ${b}\n`, { mode: 0o700 })
  }
  writeFileSync(join(native, 'lib', 'libpq.so.5.18'), 'lib', { mode: 0o600 })
  symlinkSync('libpq.so.5.18', join(native, 'lib', 'libpq.so.5'))
  writeFileSync(join(native, 'share', 'postgresql', 'postgres.bki'), 'bki')
})

afterEach(() => rmSync(tmp, { recursive: true, force: true }))

const mode = (p: string): number => lstatSync(p).mode & 0o777

describe('stageBinaries', () => {
  test('copies the tree once per version: links kept relative, modes readable by all', () => {
    const dir = stageBinaries(native, pkg, system)
    expect(dir).toBe(join(system, 'pg-bin', '18.4.0-test.1-linux-x64'))
    expect(readFileSync(join(dir, 'bin', 'postgres'), 'utf8')).toContain('echo postgres')
    expect(mode(join(dir, 'bin', 'postgres'))).toBe(0o755)
    expect(mode(join(dir, 'lib', 'libpq.so.5.18'))).toBe(0o644)
    expect(readlinkSync(join(dir, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18')
    expect(readFileSync(join(dir, 'lib', 'libpq.so.5'), 'utf8')).toBe('lib')
    for (const d of [system, join(system, 'pg-bin'), dir, join(dir, 'share', 'postgresql')]) {
      expect(mode(d)).toBe(0o755)
    }
    // Already staged: the same copy, untouched.
    writeFileSync(join(dir, 'marker'), '')
    expect(stageBinaries(native, pkg, system)).toBe(dir)
    expect(existsSync(join(dir, 'marker'))).toBe(true)
    // An upgrade stages beside it.
    const next = stageBinaries(native, { ...pkg, version: '18.5.0' }, system)
    expect(next).not.toBe(dir)
    expect(readdirSync(join(system, 'pg-bin')).sort()).toEqual([
      '18.4.0-test.1-linux-x64',
      '18.5.0-linux-x64',
    ])
  })

  test('concurrent starts agree on one complete copy and leave no temp dirs', async () => {
    const script = `
      import { stageBinaries } from ${JSON.stringify(join(import.meta.dir, 'binaries.ts'))}
      stageBinaries(${JSON.stringify(native)}, ${JSON.stringify(pkg)}, ${JSON.stringify(system)})`
    const runs = Array.from({ length: 4 }, () =>
      Bun.spawn(['bun', '-e', script], { stdout: 'pipe', stderr: 'pipe' }),
    )
    const results = await Promise.all(
      runs.map(async (p) => ({ code: await p.exited, err: await new Response(p.stderr).text() })),
    )
    expect(results).toEqual(runs.map(() => ({ code: 0, err: '' })))
    expect(readdirSync(join(system, 'pg-bin'))).toEqual(['18.4.0-test.1-linux-x64'])
    const dir = join(system, 'pg-bin', '18.4.0-test.1-linux-x64')
    expect(readdirSync(join(dir, 'bin')).sort()).toEqual(['initdb', 'pg_ctl', 'postgres'])
  })

  test('a copy abandoned by a dead start is removed', () => {
    const binRoot = join(system, 'pg-bin')
    mkdirSync(join(binRoot, '.staging-999999999-dead'), { recursive: true, mode: 0o755 })
    chmodSync(system, 0o755)
    stageBinaries(native, pkg, system)
    expect(readdirSync(binRoot)).toEqual(['18.4.0-test.1-linux-x64'])
  })

  test('refuses a system dir others may write to, and a missing or incomplete tree', () => {
    mkdirSync(system, { mode: 0o755 })
    chmodSync(system, 0o777)
    expect(() => stageBinaries(native, pkg, system)).toThrow(
      `${system} is writable by group or others; chmod 755 ${system}`,
    )
    chmodSync(system, 0o755)
    rmSync(join(native, 'bin', 'initdb'))
    expect(() => stageBinaries(native, pkg, system)).toThrow(
      /embedded Postgres binaries are missing .*run `bun install` in the checkout, or set DATABASE_URL/,
    )
  })
})

test('the installed package is found, with its version and a complete tree', () => {
  const b = installedBinaries()
  expect(b.version).toMatch(/^\d+\.\d+/)
  expect(existsSync(join(b.nativeDir, 'bin', 'postgres'))).toBe(true)
  expect(existsSync(join(b.nativeDir, 'bin', 'initdb'))).toBe(true)
})
