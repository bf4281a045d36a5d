// `bun run dashboard`: serve the dashboard app; with DATABASE_URL it reads Postgres through a
// read-only pool (every transaction read-only; the proxy owns writes and migrations).

import { ConfigError, readPort, readString } from '@tokentap/shared'
import { connect } from '@tokentap/shared/db'
import { createDashboardApp } from './app.ts'

try {
  const hostname = readString(process.env, 'DASHBOARD_HOST') ?? '127.0.0.1'
  const port = readPort(process.env, 'DASHBOARD_PORT', 3000)
  const url = readString(process.env, 'DATABASE_URL')
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL')
  }
  const db = url
    ? connect(url, { max: 4, applicationName: 'tokentap-dashboard', readOnly: true })
    : null
  const app = createDashboardApp(
    db
      ? {
          pingDatabase: async () => {
            await db.sql`select 1`
          },
        }
      : {},
  )
  const server = Bun.serve({ hostname, port, fetch: app.fetch })
  process.stderr.write(`tokentap dashboard on http://${hostname}:${server.port}\n`)
  const stop = (): void => {
    void Promise.all([server.stop(), db?.sql.end({ timeout: 5 })]).then(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} catch (e) {
  process.stderr.write(
    `${e instanceof ConfigError ? 'configuration error: ' : ''}${(e as Error).message}\n`,
  )
  process.exit(1)
}
