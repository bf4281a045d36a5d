// Applies the committed drizzle migrations under a Postgres advisory lock, so proxy and
// dashboard replicas starting together never race, then makes usage_events' partitions for the
// current month and the next ones (partitions.ts). Runnable: `bun run migrate.ts` (DATABASE_URL).

import { fileURLToPath } from 'node:url'
import { drizzle } from 'drizzle-orm/postgres-js'
import { migrate } from 'drizzle-orm/postgres-js/migrator'
import type postgres from 'postgres'
import { connect } from './client.ts'
import { ensurePartitionsAhead } from './partitions.ts'

/** Fixed advisory lock key ('tokentap' as int64); shared by every tokentap process. */
export const MIGRATION_LOCK_KEY = '8390880400358473072'
/** packages/shared/drizzle, found from this file so any cwd (and a Docker image) works. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))

export interface MigrateOptions {
  migrationsFolder?: string
  /** Advisory lock key (int64 as a decimal string). */
  lockKey?: string
  log?: (msg: string) => void
  /** Clock for the partitions made ahead (epoch ms; default Date.now). */
  now?: () => number
}

export interface MigrateResult {
  /** Migrations this call applied (0 when the database was already current). */
  applied: number
  /** Migrations recorded in total afterwards. */
  total: number
}

/** Runs the migrator on `sql` while holding pg_advisory_lock on a reserved connection.
 *  The pool needs two connections: one holds the lock, the migrator uses another. */
export async function migrateDatabase(
  sql: postgres.Sql,
  opts: MigrateOptions = {},
): Promise<MigrateResult> {
  if (sql.options.max < 2) throw new Error('migrateDatabase needs a pool with max >= 2')
  const key = opts.lockKey ?? MIGRATION_LOCK_KEY
  const lock = await sql.reserve()
  try {
    await lock`select pg_advisory_lock(${key}::bigint)`
    try {
      const before = await countApplied(sql)
      await migrate(drizzle(sql), { migrationsFolder: opts.migrationsFolder ?? MIGRATIONS_FOLDER })
      const total = await countApplied(sql)
      if (total > before) opts.log?.(`migrations: applied ${total - before}, ${total} in total`)
      const made = await ensurePartitionsAhead(sql, (opts.now ?? Date.now)())
      if (made.length > 0) opts.log?.(`usage_events: partitions made for ${made.join(', ')}`)
      return { applied: total - before, total }
    } finally {
      await lock`select pg_advisory_unlock(${key}::bigint)`.catch(() => undefined)
    }
  } finally {
    lock.release()
  }
}

async function countApplied(sql: postgres.Sql): Promise<number> {
  const [t] = await sql<{ ok: boolean }[]>`
    select to_regclass('drizzle.__drizzle_migrations') is not null as ok`
  if (!t?.ok) return 0
  const [row] = await sql<
    { n: number }[]
  >`select count(*)::int as n from drizzle.__drizzle_migrations`
  return row?.n ?? 0
}

if (import.meta.main) {
  const url = process.env.DATABASE_URL
  if (!url) {
    process.stderr.write('DATABASE_URL is not set\n')
    process.exit(2)
  }
  const { sql } = connect(url, { max: 2, applicationName: 'tokentap-migrate' })
  try {
    const r = await migrateDatabase(sql)
    process.stdout.write(`migrations: ${r.applied} applied, ${r.total} recorded\n`)
  } finally {
    await sql.end()
  }
}
