// Bench proxy, run as its own process so its CPU time and peak RSS can be read from /proc:
// startProxyApp with a temp TOKENTAP_HOME, every :443 host resolved to the bench upstream.
// Usage: bun run scripts/bench/proxy-process.ts <upstreamPort> <upstreamCaPath> [databaseUrl]
// (databaseUrl becomes DATABASE_URL: the Postgres batch writer, spooling while it is down).
// Prints one JSON line `{ port, pid, caPath }` on stdout; runs until stdin closes or SIGTERM.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, loadProxyConfig, startProxyApp } from '@tokentap/proxy'

async function main(): Promise<void> {
  const [upstreamPort, upstreamCaPath, databaseUrl] = process.argv.slice(2)
  if (!upstreamPort || !upstreamCaPath) {
    throw new Error('usage: proxy-process.ts <upstreamPort> <upstreamCaPath>')
  }
  const home = mkdtempSync(join(tmpdir(), 'tt-bench-proxy-'))
  // An explicit env (not process.env): no HTTPS_PROXY or user settings leak into the bench.
  const config = loadProxyConfig({
    TOKENTAP_HOME: home,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: '0',
    TOKENTAP_RESOLVE: `*:443=127.0.0.1:${upstreamPort}`,
    TOKENTAP_UPSTREAM_CA: upstreamCaPath,
    SHUTDOWN_GRACE_MS: '500',
    // Scenario k holds ~10,000 streams; the fd limit, not this cap, should bound it.
    PROXY_MAX_CONNECTIONS: '30000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  })
  // Warnings and errors reach the bench's stderr capture; info lines are dropped.
  const stderr = createLogger()
  const log = { info() {}, warn: stderr.warn, error: stderr.error }
  const app = await startProxyApp(config, { log })
  const caPath = join(home, 'bench-proxy-ca.pem')
  writeFileSync(caPath, app.caCertPem)
  process.stdout.write(`${JSON.stringify({ port: app.address.port, pid: process.pid, caPath })}\n`)

  let stopping = false
  const stop = async (): Promise<void> => {
    if (stopping) return
    stopping = true
    setTimeout(() => process.exit(0), 2000).unref()
    await app.stop().catch(() => {})
    rmSync(home, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGTERM', () => void stop())
  process.on('SIGINT', () => void stop())
  // The parent holds our stdin open; EOF means it is gone (even after SIGKILL): stop.
  for await (const _ of Bun.stdin.stream()) {
    // ignore input
  }
  await stop()
}

main().catch((e: Error) => {
  process.stderr.write(`bench proxy: ${e.stack ?? e.message}\n`)
  process.exit(1)
})
