// Compose's one-shot `migrate` step (`image-steps.sh proxy migrate`, in the proxy image: the
// proxy owns every write): applies the migrations under the advisory lock, then gives the
// read-only group role DASHBOARD_ROLE (migration 0001, NOLOGIN) a login member whose password
// comes from the environment. Re-running it is harmless and rotates that password.

import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { ConfigError, type Env, readString } from '@tokentap/shared'
import {
  connect,
  DASHBOARD_ROLE,
  MIGRATION_LOCK_KEY,
  migrateDatabase,
  type Sql,
} from '@tokentap/shared/db'

export interface ProvisionConfig {
  databaseUrl: string
  /** Login role for the dashboard; null: no password given, the step only migrates. */
  dashboard: { user: string; password: string } | null
}

export function loadProvisionConfig(env: Env): ProvisionConfig {
  const databaseUrl = readString(env, 'DATABASE_URL')
  if (!databaseUrl) throw new ConfigError('DATABASE_URL', 'required (the owner of the schema)')
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL')
  }
  const user = readString(env, 'DASHBOARD_DB_USER') ?? 'tokentap_dashboard_user'
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(user) || user === DASHBOARD_ROLE) {
    throw new ConfigError(
      'DASHBOARD_DB_USER',
      `expected a lower-case role name (a-z, 0-9, _) other than ${DASHBOARD_ROLE}`,
    )
  }
  const password = readString(env, 'DASHBOARD_DB_PASSWORD')
  if (password !== undefined && password.length < 12) {
    throw new ConfigError('DASHBOARD_DB_PASSWORD', 'use at least 12 characters')
  }
  return { databaseUrl, dashboard: password === undefined ? null : { user, password } }
}

/** A SCRAM-SHA-256 verifier (RFC 5802/7677), the form Postgres stores: the clear password never
 *  reaches the server, so statement logging cannot leak it. ASCII passwords need no SASLprep;
 *  NFKC covers the common non-ASCII cases. */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  const b64 = (b: Buffer): string => b.toString('base64')
  return `SCRAM-SHA-256$${iterations}:${b64(salt)}$${b64(storedKey)}:${b64(serverKey)}`
}

/** Creates or updates the dashboard's login role as a member of tokentap_dashboard. */
export async function ensureDashboardLogin(
  sql: Sql,
  user: string,
  password: string,
): Promise<'created' | 'updated'> {
  return sql.begin(async (tx) => {
    // Same key as the migrations: concurrent provisioners take turns.
    await tx`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`
    const [group] = await tx<{ ok: boolean }[]>`
      select exists(select 1 from pg_catalog.pg_roles where rolname = ${DASHBOARD_ROLE}) as ok`
    if (!group?.ok) {
      throw new Error(
        `role ${DASHBOARD_ROLE} is missing: migration 0001 creates it when the migrating ` +
          'user has CREATEROLE; create it as a superuser, then run this step again',
      )
    }
    const [found] = await tx<{ ok: boolean }[]>`
      select exists(select 1 from pg_catalog.pg_roles where rolname = ${user}) as ok`
    const verb = found?.ok ? 'ALTER' : 'CREATE'
    const attrs = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT'
    // Utility statements take no bind parameters: format() quotes the names and the verifier.
    const [stmt] = await tx<{ role: string; grant: string }[]>`
      select format(${`${verb} ROLE %I WITH ${attrs} PASSWORD %L`}, ${user}::text,
          ${scramVerifier(password)}::text) as role,
        format('GRANT %I TO %I', ${DASHBOARD_ROLE}::text, ${user}::text) as grant`
    if (!stmt) throw new Error('format() returned nothing')
    await tx.unsafe(stmt.role)
    await tx.unsafe(stmt.grant)
    return found?.ok ? 'updated' : 'created'
  })
}

export async function provision(
  config: ProvisionConfig,
  log: (msg: string) => void,
): Promise<void> {
  const { sql } = connect(config.databaseUrl, { max: 2, applicationName: 'tokentap-migrate' })
  try {
    const r = await migrateDatabase(sql, { log })
    log(`migrations: ${r.applied} applied, ${r.total} recorded`)
    if (config.dashboard) {
      const { user, password } = config.dashboard
      const how = await ensureDashboardLogin(sql, user, password)
      log(`dashboard login role ${user}: ${how} (member of ${DASHBOARD_ROLE}, read-only)`)
    } else {
      log('DASHBOARD_DB_PASSWORD unset: no dashboard login role created')
    }
  } finally {
    await sql.end({ timeout: 5 })
  }
}

if (import.meta.main) {
  const log = (m: string): void => {
    process.stdout.write(`${m}\n`)
  }
  try {
    await provision(loadProvisionConfig(process.env), log)
  } catch (e) {
    const prefix = e instanceof ConfigError ? 'configuration error: ' : 'migrate: '
    process.stderr.write(`${prefix}${(e as Error).message}\n`)
    process.exit(1)
  }
}
