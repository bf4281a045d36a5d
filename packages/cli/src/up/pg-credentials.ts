// TOKENTAP_HOME/pg.json (0600): the embedded cluster's generated credentials, the last port (reused
// when free so the URL stays stable) and where the cluster lives (once chosen it stays there).

import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { PgServerError } from '@tokentap/pgserver'

export interface PgCredentials {
  user: string
  password: string
  /** Last port used; 0 = none yet. */
  port: number
  database: string
  /** The cluster's data dir; absent in files written before it was recorded. */
  dataDir?: string
}

export function newCredentials(): PgCredentials {
  return {
    user: 'tokentap',
    password: randomBytes(18).toString('base64url'),
    port: 0,
    database: 'tokentap',
  }
}

/** Parses pg.json; null when the file does not exist. */
export function readCredentials(file: string): PgCredentials | null {
  if (!existsSync(file)) return null
  let c: Partial<PgCredentials>
  try {
    c = JSON.parse(readFileSync(file, 'utf8')) as Partial<PgCredentials>
  } catch (e) {
    throw new PgServerError(
      `${file} is not valid JSON (${(e as Error).message}); restore it, or remove it together with the data dir it names`,
    )
  }
  if (typeof c.user !== 'string' || typeof c.password !== 'string') {
    throw new PgServerError(
      `${file} is malformed (expected user and password); restore it, or remove it together with the data dir it names`,
    )
  }
  return {
    user: c.user,
    password: c.password,
    port: typeof c.port === 'number' ? c.port : 0,
    database: typeof c.database === 'string' ? c.database : 'tokentap',
    ...(typeof c.dataDir === 'string' && c.dataDir !== '' ? { dataDir: c.dataDir } : {}),
  }
}

export function writeCredentials(file: string, c: PgCredentials): void {
  const tmp = `${file}.${process.pid}.tmp`
  writeFileSync(tmp, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 })
  chmodSync(tmp, 0o600)
  renameSync(tmp, file)
}

export function urlFor(c: PgCredentials, port: number, database: string): string {
  const auth = `${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}`
  return `postgres://${auth}@127.0.0.1:${port}/${encodeURIComponent(database)}`
}
