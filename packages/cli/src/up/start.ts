// `tokentap up`: everything on one machine in one process. Postgres (embedded, in
// TOKENTAP_HOME/pg, unless DATABASE_URL names a server), the proxy and the dashboard; prints
// where they are, logs to stderr and TOKENTAP_HOME/logs/tokentap.log, and keeps a state file
// (TOKENTAP_HOME/up.json) while it runs. SIGINT/SIGTERM stop the parts in reverse order (the
// proxy flushes its records before Postgres goes); a second signal exits at once with 1. A
// failed start stops what had started and exits 1 with one message naming the variable.

import { join } from 'node:path'
import { ConfigError, type Env, readString } from '@tokentap/shared'
import { loadDashboardConfig } from '../../../../services/dashboard/src/config.ts'
import { type DashboardServer, startDashboard } from '../../../../services/dashboard/src/server.ts'
import { type ProxyApp, startProxyApp } from '../../../../services/proxy/src/app.ts'
import { loadProxyConfig } from '../../../../services/proxy/src/config.ts'
import { createLogger } from '../../../../services/proxy/src/log.ts'
import { dashboardAddress, paths } from '../config/paths.ts'
import { removeState, runningState, writeState } from '../state/state.ts'
import { renderBanner } from './banner.ts'
import { openLogFile } from './logfile.ts'
import { startLocalPostgres } from './postgres.ts'

/** Thrown when a signal arrived during start-up: the signal handler owns the exit. */
class Aborted extends Error {}

/** A start-up refusal the user can act on: logged as its message, without a stack. */
class Refused extends Error {}

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

/** Starts everything; resolves only on a failed start (1). Signals end the process. */
export async function up(env: Env, out: (text: string) => void): Promise<number> {
  const files = paths(env)
  const logFile = join(files.logDir, 'tokentap.log')
  const file = openLogFile(logFile)
  const log = createLogger((line) => {
    process.stderr.write(line)
    file.write(line)
  })
  const running: { name: string; stop: () => Promise<void> }[] = []
  let stopping = false

  const stopAll = async (): Promise<boolean> => {
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
  const started = async (name: string, stop: () => Promise<void>): Promise<void> => {
    if (stopping) {
      await stop().catch(() => undefined)
      throw new Aborted()
    }
    running.push({ name, stop })
  }
  const onSignal = (signal: string): void => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    log.info(`${signal}: stopping (in-flight exchanges may finish first; again to force)`)
    stopAll().then((ok) => {
      file.close()
      process.exit(ok ? 0 : 1)
    })
  }

  try {
    const other = runningState(files.stateFile)
    if (other && other.pid !== process.pid) {
      throw new Refused(
        `tokentap is already running (pid ${other.pid}, proxy on port ${other.proxy.port}); ` +
          '`tokentap status` shows it',
      )
    }
    process.on('SIGINT', () => onSignal('SIGINT'))
    process.on('SIGTERM', () => onSignal('SIGTERM'))
    // The proxy must never send its own upstream traffic through a proxy (Bun honours these).
    for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])
      delete process.env[v]
    const cleanEnv: Env = {
      ...env,
      HTTPS_PROXY: '',
      https_proxy: '',
      HTTP_PROXY: '',
      http_proxy: '',
    }
    // Read everything first: a bad variable should not cost a Postgres start.
    loadProxyConfig(cleanEnv)
    const dash = dashboardAddress(cleanEnv)
    loadDashboardConfig(cleanEnv)

    let databaseUrl = readString(cleanEnv, 'DATABASE_URL')
    let embeddedDataDir: string | null = null
    if (databaseUrl === undefined) {
      const pg = await startLocalPostgres(files.home, (m) => log.info(m))
      await started('postgres', pg.stop)
      databaseUrl = pg.url
      embeddedDataDir = pg.dataDir
    }

    const config = loadProxyConfig({ ...cleanEnv, DATABASE_URL: databaseUrl })
    let app: ProxyApp
    try {
      app = await startProxyApp(config, { log })
    } catch (e) {
      throw listenError(e, 'PROXY_PORT', config.host, config.port)
    }
    await started('proxy', () => app.stop())

    // As `bun run dashboard` does: read-only pool, live feed, budgets; the proxy owns writes.
    let dashboard: DashboardServer
    try {
      dashboard = startDashboard(loadDashboardConfig({ ...cleanEnv, DATABASE_URL: databaseUrl }), {
        log: (m) => log.info(m),
      })
    } catch (e) {
      throw listenError(e, 'DASHBOARD_PORT', dash.host, dash.port)
    }
    await started('dashboard', () => dashboard.stop())

    const caPath = app.caCertPath ?? config.caCertFile ?? join(config.home, 'ca', 'ca.pem')
    const dashboardAt = { host: dash.host, port: dashboard.port }
    writeState(files.stateFile, {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      proxy: app.address,
      dashboard: dashboardAt,
      caCert: caPath,
      logFile,
      embeddedDataDir,
    })
    const pid = process.pid
    // Removed last on a clean stop, and on any exit.
    running.unshift({ name: 'state file', stop: async () => removeState(files.stateFile, pid) })
    process.on('exit', () => removeState(files.stateFile, pid))
    log.info(
      `proxy on ${app.address.host}:${app.address.port}, dashboard on ${dash.host}:${dashboardAt.port}`,
    )
    out(
      renderBanner({
        proxy: app.address,
        dashboard: dashboardAt,
        caPath,
        databaseUrl,
        embeddedDataDir,
        logFile,
      }),
    )
    // Runs until a signal; onSignal exits the process.
    return await new Promise<number>(() => {})
  } catch (e) {
    if (e instanceof Aborted) return await new Promise<number>(() => {})
    const err = e as Error
    log.error(
      err instanceof ConfigError
        ? `configuration error: ${err.message}`
        : err instanceof Refused
          ? err.message
          : (err.stack ?? err.message),
    )
    await stopAll()
    file.close()
    return 1
  }
}
