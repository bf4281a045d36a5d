// The `postgres` OS user the embedded server runs as when tokentap runs as root (Postgres
// refuses to run as root). Created as a system user without a home or login shell if missing.

import { PgServerError } from './diagnose.ts'
import type { OsIdentity } from './layout.ts'

export interface OsUser extends OsIdentity {
  name: string
  /** Primary group. */
  gid: number
}

export const SERVER_USER = 'postgres'

function run(argv: string[]): { ok: boolean; out: string } {
  try {
    const r = Bun.spawnSync(argv, { stdout: 'pipe', stderr: 'pipe' })
    return { ok: r.exitCode === 0, out: (r.exitCode === 0 ? r.stdout : r.stderr).toString().trim() }
  } catch (e) {
    return { ok: false, out: (e as Error).message }
  }
}

function lookup(name: string): OsUser | null {
  const uid = run(['id', '-u', name])
  const gid = run(['id', '-g', name])
  const groups = run(['id', '-G', name])
  if (!uid.ok || !gid.ok || !groups.ok) return null
  return {
    name,
    uid: Number(uid.out),
    gid: Number(gid.out),
    gids: groups.out.split(/\s+/).filter(Boolean).map(Number),
  }
}

/** The server's OS user, created when missing (a concurrent start may create it first). */
export function serverUser(name = SERVER_USER): OsUser {
  const found = lookup(name)
  if (found) return found
  const group = run(['getent', 'group', name]).ok ? ['-g', name] : ['--user-group']
  const created = run([
    'useradd',
    '--system',
    ...group,
    '--no-create-home',
    '--home-dir',
    '/nonexistent',
    '--shell',
    '/usr/sbin/nologin',
    name,
  ])
  const user = lookup(name)
  if (user) return user
  throw new PgServerError(
    `Postgres refuses to run as root and there is no \`${name}\` user to run it as ` +
      `(useradd: ${created.out || 'failed'}); create one (useradd --system --user-group ${name}), ` +
      'or set DATABASE_URL to use your own Postgres',
  )
}
