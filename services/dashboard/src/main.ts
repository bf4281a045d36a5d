// `bun run dashboard`: serve the dashboard (server.ts) with the configuration from the
// environment (config.ts: fails fast, naming the variable). SIGTERM/SIGINT stop it cleanly.

import { ConfigError } from '@tokentap/shared'
import { loadDashboardConfig } from './config.ts'
import { startDashboard } from './server.ts'

try {
  const config = loadDashboardConfig(process.env)
  const server = startDashboard(config)
  const mode = config.apiKey === null ? ' (local mode: no API key, loopback only)' : ''
  process.stderr.write(`tokentap dashboard on http://${config.host}:${server.port}${mode}\n`)
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    void server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} catch (e) {
  process.stderr.write(
    `${e instanceof ConfigError ? 'configuration error: ' : ''}${(e as Error).message}\n`,
  )
  process.exit(1)
}
