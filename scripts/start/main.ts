// `bun run start`: everything on one machine in one process. Postgres (embedded, in
// TOKENTAP_HOME/pg, unless DATABASE_URL names a server), the proxy and the dashboard; prints
// where they are. SIGINT/SIGTERM stop them in reverse order (the proxy flushes its records
// before Postgres goes); a second signal exits at once with 1. A failed start stops what had
// started and exits 1 with one message naming the variable to change.

import { homedir } from 'node:os'
import { join } from 'node:path'
import { connect } from '../../packages/shared/src/db/index.ts'
import { ConfigError, readPort, readString } from '../../packages/shared/src/index.ts'
import { createDashboardApp } from '../../services/dashboard/src/app.ts'
import { type ProxyApp, startProxyApp } from '../../services/proxy/src/app.ts'
import { loadProxyConfig } from '../../services/proxy/src/config.ts'
import { createLogger } from '../../services/proxy/src/log.ts'
import { renderBanner } from './banner.ts'
import { startLocalPostgres } from './postgres.ts'

const log = createLogger()

/** Thrown when a signal arrived during start-up: the signal handler owns the exit. */
class Aborted extends Error {}

const running: { name: string; stop: () => Promise<void> }[] = []
let stopping = false

async function stopAll(): Promise<boolean> {
  let ok = true
  for (let part = running.pop(); part; part = running.pop()) {
    try {
      await part.stop()
    } catch (e) {
      ok = false
      log.error(`stopping ${part.name}: ${(e as Error).message}`)
    }
  }
  return ok
}

/** Records a started part; when a signal came meanwhile, stops it and aborts start-up. */
async function started(name: string, stop: () => Promise<void>): Promise<void> {
  if (stopping) {
    await stop().catch(() => undefined)
    throw new Aborted()
  }
  running.push({ name, stop })
}

function onSignal(signal: string): void {
  if (stopping) {
    log.warn(`${signal} again: exiting without waiting`)
    process.exit(1)
  }
  stopping = true
  log.info(`${signal}: stopping (in-flight exchanges may finish first; again to force)`)
  stopAll().then((ok) => process.exit(ok ? 0 : 1))
}

/** A listen failure becomes a ConfigError naming the port variable; other errors pass. */
function listenError(e: unknown, variable: string, host: string, port: number): unknown {
  const err = e as NodeJS.ErrnoException
  if (err.code === 'EADDRINUSE' || /in use/i.test(err.message ?? '')) {
    return new ConfigError(variable, `${host}:${port} is already in use; choose another port`)
  }
  if (err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
    return new ConfigError(variable, `cannot listen on ${host}:${port} (${err.code})`)
  }
  return e
}

async function main(): Promise<void> {
  process.on('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGTERM', () => onSignal('SIGTERM'))
  // The proxy must never send its own upstream traffic through a proxy (Bun honours these).
  for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete process.env[v]
  const env = process.env
  // Read everything first: a bad variable should not cost a Postgres start.
  loadProxyConfig(env)
  const dashboardHost = readString(env, 'DASHBOARD_HOST') ?? '127.0.0.1'
  const dashboardPort = readPort(env, 'DASHBOARD_PORT', 3000)
  const home = readString(env, 'TOKENTAP_HOME') ?? join(homedir(), '.tokentap')

  let databaseUrl = readString(env, 'DATABASE_URL')
  let embeddedDataDir: string | null = null
  if (databaseUrl === undefined) {
    const pg = await startLocalPostgres(home, (m) => log.info(m))
    await started('postgres', pg.stop)
    databaseUrl = pg.url
    embeddedDataDir = pg.dataDir
  }

  const config = loadProxyConfig({ ...env, DATABASE_URL: databaseUrl })
  let app: ProxyApp
  try {
    app = await startProxyApp(config, { log })
  } catch (e) {
    throw listenError(e, 'PROXY_PORT', config.host, config.port)
  }
  await started('proxy', () => app.stop())

  // As `bun run dashboard` does: a read-only pool; the proxy owns writes and migrations.
  const { sql } = connect(databaseUrl, {
    max: 4,
    applicationName: 'tokentap-dashboard',
    readOnly: true,
  })
  await started('dashboard database pool', () => sql.end({ timeout: 5 }))
  const dashboardApp = createDashboardApp({
    pingDatabase: async () => {
      await sql`select 1`
    },
  })
  let dashboard: ReturnType<typeof Bun.serve>
  try {
    dashboard = Bun.serve({
      hostname: dashboardHost,
      port: dashboardPort,
      fetch: dashboardApp.fetch,
    })
  } catch (e) {
    throw listenError(e, 'DASHBOARD_PORT', dashboardHost, dashboardPort)
  }
  await started('dashboard', () => dashboard.stop(true))

  process.stdout.write(
    renderBanner({
      proxy: app.address,
      dashboard: { host: dashboardHost, port: dashboard.port ?? dashboardPort },
      caPath: app.caCertPath ?? config.caCertFile ?? join(config.home, 'ca', 'ca.pem'),
      databaseUrl,
      embeddedDataDir,
    }),
  )
}

main().catch(async (e: unknown) => {
  if (e instanceof Aborted) return
  const err = e as Error
  log.error(
    err instanceof ConfigError ? `configuration error: ${err.message}` : (err.stack ?? err.message),
  )
  await stopAll()
  process.exit(1)
})
