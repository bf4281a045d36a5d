import { describe, expect, test } from 'bun:test'
import {
  ancestors,
  chooseDataDir,
  clusterName,
  majorMismatch,
  pgMajor,
  stagedBinDir,
  stagedName,
  traversable,
  unsafeDir,
} from './layout.ts'

const pkg = { version: '18.4.0-beta.17', platform: 'linux', arch: 'x64' }

describe('staged binaries', () => {
  test('one directory per package version and platform', () => {
    expect(stagedName(pkg)).toBe('18.4.0-beta.17-linux-x64')
    expect(stagedBinDir('/var/lib/tokentap', pkg)).toBe(
      '/var/lib/tokentap/pg-bin/18.4.0-beta.17-linux-x64',
    )
    expect(stagedName({ ...pkg, version: '18.5.0' })).not.toBe(stagedName(pkg))
    expect(stagedName({ ...pkg, version: '../../etc' })).toBe('.._.._etc-linux-x64')
  })

  test('the Postgres major is the version’s first number', () => {
    expect(pgMajor('18.4.0-beta.17')).toBe(18)
    expect(pgMajor('17.2.0')).toBe(17)
    expect(pgMajor('beta')).toBeNull()
  })
})

describe('data dir', () => {
  const base = {
    home: '/root/.tokentap',
    root: true,
    recorded: null,
    legacyCluster: false,
    homeReachable: false,
    systemDir: '/var/lib/tokentap',
  }

  test('other users keep TOKENTAP_HOME/pg', () => {
    expect(chooseDataDir({ ...base, home: '/home/a/.tokentap', root: false })).toBe(
      '/home/a/.tokentap/pg',
    )
  })

  test('root: in TOKENTAP_HOME when the postgres user reaches it, else under the system dir', () => {
    expect(chooseDataDir({ ...base, home: '/srv/tt', homeReachable: true })).toBe('/srv/tt/pg')
    const dir = chooseDataDir(base)
    expect(dir).toStartWith('/var/lib/tokentap/pg-data/root-.tokentap-')
    expect(dir).toBe(`/var/lib/tokentap/pg-data/${clusterName('/root/.tokentap')}`)
  })

  test('a recorded or existing cluster stays where it is', () => {
    expect(chooseDataDir({ ...base, recorded: '/elsewhere/pg' })).toBe('/elsewhere/pg')
    expect(chooseDataDir({ ...base, legacyCluster: true })).toBe('/root/.tokentap/pg')
  })

  test('cluster names are stable, readable and keep distinct homes apart', () => {
    expect(clusterName('/root/.tokentap')).toBe(clusterName('/root/.tokentap'))
    expect(clusterName('/root/.tokentap')).toMatch(/^root-\.tokentap-[0-9a-f]{8}$/)
    expect(clusterName('/a/b')).not.toBe(clusterName('/a-b'))
    expect(clusterName("/tmp/x y'z")).toMatch(/^tmp-x-y-z-[0-9a-f]{8}$/)
    expect(clusterName('/')).toMatch(/^root-[0-9a-f]{8}$/)
  })
})

describe('permissions', () => {
  test('ancestors, outermost first', () => {
    expect(ancestors('/root/tokentap/.tokentap')).toEqual(['/', '/root', '/root/tokentap'])
    expect(ancestors('/x')).toEqual(['/'])
  })

  const pg = { uid: 101, gids: [104, 103] }
  const dir = (mode: number, uid = 0, gid = 0) => ({ mode: 0o40000 | mode, uid, gid })

  test('traversal follows the owner / group / other bits', () => {
    expect(traversable([dir(0o755), dir(0o711)], pg)).toBe(true)
    expect(traversable([dir(0o755), dir(0o700)], pg)).toBe(false) // /root
    expect(traversable([dir(0o755), dir(0o710, 0, 104)], pg)).toBe(true) // group postgres
    expect(traversable([dir(0o755), dir(0o710, 0, 103)], pg)).toBe(true) // supplementary
    expect(traversable([dir(0o755), dir(0o701, 0, 104)], pg)).toBe(false) // group bits win
    expect(traversable([dir(0o100, 101)], pg)).toBe(true)
    expect(traversable([dir(0o011, 101)], pg)).toBe(false) // owner bits win
    expect(traversable([], pg)).toBe(true)
  })

  test('staging refuses directories others could write to', () => {
    expect(unsafeDir('/v', dir(0o755), 0)).toBeNull()
    expect(unsafeDir('/v', dir(0o775), 0)).toContain('writable by group or others; chmod 755 /v')
    expect(unsafeDir('/v', dir(0o757), 0)).toContain('writable by group or others')
    expect(unsafeDir('/v', dir(0o755, 1000), 0)).toContain('/v is not owned by uid 0')
  })
})

describe('major version check', () => {
  test('same major: fine; another major: one line with the way out', () => {
    expect(majorMismatch('/d', '18\n', 18)).toBeNull()
    const m = majorMismatch('/var/lib/tokentap/pg-data/x', '17\n', 18)
    expect(m).toContain('holds a Postgres 17 cluster but the embedded server is Postgres 18')
    expect(m).toContain('mv /var/lib/tokentap/pg-data/x /var/lib/tokentap/pg-data/x.pg17')
    expect(m).not.toContain('\n')
  })
})
