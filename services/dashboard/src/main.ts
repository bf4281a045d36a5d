// `bun run dashboard`: serve the dashboard app.

import { ConfigError, readPort, readString } from '@tokentap/shared'
import { createDashboardApp } from './app.ts'

try {
  const hostname = readString(process.env, 'DASHBOARD_HOST') ?? '127.0.0.1'
  const port = readPort(process.env, 'DASHBOARD_PORT', 3000)
  const server = Bun.serve({ hostname, port, fetch: createDashboardApp().fetch })
  process.stderr.write(`tokentap dashboard on http://${hostname}:${server.port}\n`)
  const stop = (): void => {
    void server.stop().then(() => process.exit(0))
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
} catch (e) {
  process.stderr.write(
    `${e instanceof ConfigError ? 'configuration error: ' : ''}${(e as Error).message}\n`,
  )
  process.exit(1)
}
