// `bun run proxy`: start the proxy from the environment; SIGTERM/SIGINT stop it gracefully.
// PROXY_WORKERS > 1: this process supervises that many workers (this file again, with
// `--worker i --of n`) that share the port; 1: it is the proxy, as before workers existed.

import { ConfigError } from '@tokentap/shared'
import { loadProxyConfig, type ProxyConfig } from './config.ts'
import { createLogger, type Logger } from './log.ts'
import { perWorkerShare } from './workers/count.ts'
import { linkToSupervisor, workerLogger } from './workers/link.ts'
import { readWorkerArgs, type WorkerSlot } from './workers/protocol.ts'
import { startSupervisor } from './workers/supervisor.ts'

const base = createLogger()

async function main(): Promise<void> {
  // The proxy must never send its own upstream traffic through a proxy (Bun honours these).
  for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete process.env[v]
  const slot = readWorkerArgs(process.argv.slice(2))
  const config = loadProxyConfig(process.env)
  if (slot) await runWorker(config, slot)
  else if (config.workers > 1) await runSupervisor(config)
  else await runSingle(config)
}

// The proxy itself is loaded only where it runs: the supervisor stays a small process.
const loadApp = () => import('./app.ts')

async function runSingle(config: ProxyConfig): Promise<void> {
  const { startProxyApp } = await loadApp()
  const app = await startProxyApp(config, { log: base })
  base.info(`tokentap proxy listening on http://${app.address.host}:${app.address.port}`)
  base.info(`CA certificate: ${app.caCertPath ?? config.caCertFile}`)
  stopOnSignals(base, config, () => app.stop().then(() => 0))
}

async function runSupervisor(config: ProxyConfig): Promise<void> {
  const supervisor = await startSupervisor({
    workers: config.workers,
    port: config.port,
    env: process.env,
    log: base,
  })
  const { host, port } = supervisor.address
  base.info(`tokentap proxy listening on http://${host}:${port} (${config.workers} workers)`)
  base.info(`CA certificate: ${supervisor.caCertPath ?? config.caCertFile}`)
  stopOnSignals(base, config, () => supervisor.stop())
}

async function runWorker(config: ProxyConfig, slot: WorkerSlot): Promise<void> {
  const log = workerLogger(base, slot.index)
  const link = linkToSupervisor(slot, log)
  // PROXY_MAX_CONNECTIONS caps the whole proxy: each worker holds its share.
  const share = { ...config, maxConnections: perWorkerShare(config.maxConnections, slot.count) }
  const { startProxyApp } = await loadApp()
  const app = await startProxyApp(share, { log, worker: link.role })
  link.serve(app)
  const stop = stopOnSignals(log, config, () => app.stop().then(() => 0))
  link.onGone(() => stop('supervisor gone'))
}

/** SIGTERM / SIGINT (or `stop(reason)`): one graceful stop, then exit with its code. */
function stopOnSignals(
  log: Logger,
  config: ProxyConfig,
  stopAll: () => Promise<number>,
): (reason: string) => void {
  let stopping = false
  const stop = (reason: string): void => {
    if (stopping) return
    stopping = true
    // A library error surfacing while connections are torn down (postgres.js writing to a
    // socket whose server vanished) must not turn a clean stop into a crash.
    process.on('uncaughtException', (e) => log.warn(`during shutdown: ${e.message}`))
    log.info(`${reason}: finishing in-flight exchanges (grace ${config.shutdownGraceMs} ms)`)
    stopAll().then(
      (code) => process.exit(code),
      (e: Error) => {
        log.error(`shutdown: ${e.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  return stop
}

main().catch((e: Error) => {
  base.error(
    e instanceof ConfigError ? `configuration error: ${e.message}` : (e.stack ?? e.message),
  )
  process.exit(1)
})
