// `bun run proxy`: start the proxy from the environment; SIGTERM/SIGINT stop it gracefully.

import { ConfigError } from '@tokentap/shared'
import { startProxyApp } from './app.ts'
import { loadProxyConfig } from './config.ts'
import { createLogger } from './log.ts'

const log = createLogger()

async function main(): Promise<void> {
  // The proxy must never send its own upstream traffic through a proxy (Bun honours these).
  for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete process.env[v]
  const config = loadProxyConfig(process.env)
  const app = await startProxyApp(config, { log })
  log.info(`tokentap proxy listening on http://${app.address.host}:${app.address.port}`)
  log.info(`CA certificate: ${app.caCertPath ?? config.caCertFile}`)
  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    // A library error surfacing while connections are torn down (postgres.js writing to a
    // socket whose server vanished) must not turn a clean stop into a crash.
    process.on('uncaughtException', (e) => log.warn(`during shutdown: ${e.message}`))
    log.info(`${signal}: finishing in-flight exchanges (grace ${config.shutdownGraceMs} ms)`)
    app.stop().then(
      () => process.exit(0),
      (e: Error) => {
        log.error(`shutdown: ${e.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
}

main().catch((e: Error) => {
  log.error(e instanceof ConfigError ? `configuration error: ${e.message}` : (e.stack ?? e.message))
  process.exit(1)
})
