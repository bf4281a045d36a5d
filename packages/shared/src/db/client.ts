// Postgres connection: one postgres.js pool plus a drizzle handle over the tokentap schema.

import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import * as schema from './schema.ts'

export type Sql = postgres.Sql
export type Db = PostgresJsDatabase<typeof schema>
/** Re-exported so scripts outside the workspaces can build clients without resolving it. */
export { postgres }

export interface ConnectOptions {
  /** Pool size (default 10). migrateDatabase needs at least 2. */
  max?: number
  /** Close idle connections after this many seconds (default 30). */
  idleTimeoutS?: number
  /** Give up connecting after this many seconds (default 10; postgres.js defaults to 30). */
  connectTimeoutS?: number
  /** Recycle connections after this many seconds (default 30 min). */
  maxLifetimeS?: number
  /** Shown in pg_stat_activity (default 'tokentap'). */
  applicationName?: string
  /** Server NOTICEs (default: ignored; postgres.js would print them). */
  onNotice?: (notice: postgres.Notice) => void
  /** Every transaction read-only (`default_transaction_read_only`): the dashboard's pools. */
  readOnly?: boolean
}

/** Note: drizzle(sql) switches the pool's date/timestamp parsers to pass text through, so raw
 *  `sql` queries on this pool (and on any pool given to migrateDatabase) return timestamps as
 *  strings, exactly as drizzle queries do. */
export function connect(url: string, opts: ConnectOptions = {}): { sql: Sql; db: Db } {
  const sql = postgres(url, {
    max: opts.max ?? 10,
    idle_timeout: opts.idleTimeoutS ?? 30,
    connect_timeout: opts.connectTimeoutS ?? 10,
    max_lifetime: opts.maxLifetimeS ?? 30 * 60,
    onnotice: opts.onNotice ?? (() => {}),
    connection: {
      application_name: opts.applicationName ?? 'tokentap',
      ...(opts.readOnly ? { default_transaction_read_only: true } : {}),
    },
  })
  return { sql, db: drizzle(sql, { schema }) }
}
