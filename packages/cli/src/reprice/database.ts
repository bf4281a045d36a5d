// Which database `tokentap reprice` rewrites, found as the other commands find a running
// instance: DATABASE_URL when set; else the embedded Postgres of a running `tokentap up` (its
// state file TOKENTAP_HOME/up.json names a live pid and an embedded data dir), reached with the
// credentials and port `up` keeps in TOKENTAP_HOME/pg.json. The embedded server runs only while
// `up` does, so without either there is nothing to connect to: one clear error.

import { join } from 'node:path'
import { type Env, readString } from '@tokentap/shared'
import { paths } from '../config/paths.ts'
import { runningState } from '../state/state.ts'
import { maskPassword } from '../up/banner.ts'
import { readCredentials, urlFor } from '../up/pg-credentials.ts'

export interface FoundDatabase {
  url: string
  /** For the report's first line (no password). */
  describe: string
}

export class NoDatabaseError extends Error {
  override name = 'NoDatabaseError'
}

export function findDatabase(env: Env): FoundDatabase {
  const url = readString(env, 'DATABASE_URL')
  if (url !== undefined) {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new NoDatabaseError('DATABASE_URL: expected a postgres:// or postgresql:// URL')
    }
    return { url, describe: `DATABASE_URL (${maskPassword(url)})` }
  }
  const p = paths(env)
  const up = runningState(p.stateFile)
  if (up === null) {
    throw new NoDatabaseError(
      'no database: set DATABASE_URL, or start `tokentap up` (its embedded Postgres runs only while it does)',
    )
  }
  if (up.embeddedDataDir === null) {
    throw new NoDatabaseError(
      `\`tokentap up\` (pid ${up.pid}) uses the database of its DATABASE_URL: set DATABASE_URL to the same`,
    )
  }
  const creds = readCredentials(join(p.home, 'pg.json'))
  if (creds === null || creds.port === 0) {
    throw new NoDatabaseError(
      `no credentials in ${join(p.home, 'pg.json')} for the embedded Postgres`,
    )
  }
  return {
    url: urlFor(creds, creds.port, creds.database),
    describe: `the embedded Postgres of \`tokentap up\` (pid ${up.pid}, data in ${up.embeddedDataDir})`,
  }
}
