// `tokentap up`: everything on one machine in one process. Postgres (embedded unless
// DATABASE_URL names a server; see postgres.ts for where it lives), the proxy and the dashboard;
// prints where they are, logs to stderr and TOKENTAP_HOME/logs/tokentap.log, and keeps a state
// file (TOKENTAP_HOME/up.json) while it runs. SIGINT/SIGTERM stop the parts in reverse order (the
// proxy flushes its records before Postgres goes); a second signal exits at once with 1. A failed
// start prints one line (cause and fix; failure.ts), stops what had started and resolves 1.

import { join } from 'node:path'
import { type DashboardServer, loadDashboardConfig, startDashboard } from '@tokentap/dashboard'
import { createLogger, loadProxyConfig, type ProxyApp, startProxyApp } from '@tokentap/proxy'
import { type Env, readString } from '@tokentap/shared'
import { dashboardAddress, paths } from '../config/paths.ts'
import { removeState, runningState, writeState } from '../state/state.ts'
import { type EmbeddedInfo, maskPassword, renderBanner } from './banner.ts'
import { prepareDatabase } from './database.ts'
import { describeStartupFailure, listenError, StartupError } from './failure.ts'
import { ensureDir } from './home.ts'
import { type LogFile, openLogFile } from './logfile.ts'
import { startLocalPostgres } from './postgres.ts'
import { checkTeamDashboard } from './preflight.ts'
import { repeatedSignal } from './signals.ts'

/** Thrown when a signal arrived during start-up: the signal handler owns the exit. */
class Aborted extends Error {}

/** Cleaning up after a failed start never takes longer than this. */
const STOP_BOUND_MS = 10_000

/** Starts everything; resolves only on a failed start (1). Signals end the process. */
export async function up(env: Env, out: (text: string) => void): Promise<number> {
  const files = paths(env)
  const logFile = join(files.logDir, 'tokentap.log')
  let file: LogFile
  try {
    ensureDir(files.home)
    file = openLogFile(logFile)
  } catch (e) {
    process.stderr.write(`${describeStartupFailure(e, logFile).line}\n`)
    return 1
  }
  const log = createLogger((line) => {
    process.stderr.write(line)
    file.write(line)
  })
  const running: { name: string; stop: () => Promise<void> }[] = []
  let stopping = false
  let firstSignalAt = 0

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
      if (repeatedSignal(firstSignalAt, Date.now()) === 'same') return
      log.warn(`${signal} again: exiting without waiting`)
      process.exit(1)
    }
    stopping = true
    firstSignalAt = Date.now()
    log.info(`${signal}: stopping (in-flight exchanges may finish first; again to force)`)
    stopAll().then((ok) => {
      file.close()
      process.exit(ok ? 0 : 1)
    })
  }
  // During start-up an error nobody awaits (an 'error' event of some socket or child) fails the
  // start like any other, instead of leaving it half-started.
  let failStart: (e: unknown) => void = () => {}
  const stray = new Promise<never>((_, reject) => {
    failStart = reject
  })
  const onStray = (e: unknown): void => failStart(e)
  process.on('uncaughtException', onStray)
  process.on('unhandledRejection', onStray)

  try {
    const other = runningState(files.stateFile)
    if (other && other.pid !== process.pid) {
      throw new StartupError(
        `tokentap is already running (pid ${other.pid}, proxy on port ${other.proxy.port}); ` +
          '`tokentap status` shows it',
      )
    }
    process.on('SIGINT', () => onSignal('SIGINT'))
    process.on('SIGTERM', () => onSignal('SIGTERM'))
    await Promise.race([stray, startAll()])
  } catch (e) {
    if (e instanceof Aborted) return await new Promise<number>(() => {})
    const report = describeStartupFailure(e, logFile)
    log.error(report.line)
    if (report.detail) file.write(`${report.detail}\n`)
    await Promise.race([stopAll(), Bun.sleep(STOP_BOUND_MS)])
    file.close()
    return 1
  } finally {
    process.removeListener('uncaughtException', onStray)
    process.removeListener('unhandledRejection', onStray)
  }
  // Runs until a signal; onSignal exits the process.
  return await new Promise<number>(() => {})

  async function startAll(): Promise<void> {
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
    checkTeamDashboard(cleanEnv)
    loadProxyConfig(cleanEnv)
    const dash = dashboardAddress(cleanEnv)
    loadDashboardConfig(cleanEnv)

    let databaseUrl = readString(cleanEnv, 'DATABASE_URL')
    let embedded: EmbeddedInfo | null = null
    if (databaseUrl === undefined) {
      const pg = await startLocalPostgres(files.home, (m) => log.info(m))
      await started('postgres', pg.stop)
      databaseUrl = pg.url
      embedded = { dataDir: pg.dataDir, binDir: pg.binDir, osUser: pg.osUser }
    } else {
      await prepareDatabase(databaseUrl, {
        log: (m) => log.info(m),
        describe: `the database at DATABASE_URL (${maskPassword(databaseUrl)})`,
        fix: 'check that DATABASE_URL names a running Postgres you may write to, or unset it to use the embedded one',
      })
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
      embeddedDataDir: embedded?.dataDir ?? null,
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
        embedded,
        logFile,
      }),
    )
  }
}
