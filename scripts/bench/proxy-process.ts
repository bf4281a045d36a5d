// Bench proxy, run as its own process so its CPU time and peak RSS can be read from /proc:
// startProxyApp with a temp TOKENTAP_HOME, every :443 host resolved to the bench upstream.
// Usage: bun run scripts/bench/proxy-process.ts <upstreamPort> <upstreamCaPath> [databaseUrl]
// [--workers=N] (databaseUrl becomes DATABASE_URL: the Postgres batch writer, spooling while it
// is down; --workers=N > 1: this process supervises N workers as `bun run proxy` does with
// PROXY_WORKERS=N, startSupervisor over the same environment).
// Prints one JSON line `{ port, pid, caPath, workerPids? }` on stdout; runs until stdin closes or
// SIGTERM.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createLogger, loadProxyConfig, startProxyApp, startSupervisor } from '@tokentap/proxy'

interface Running {
  port: number
  caPem: string
  workerPids?: number[]
  stop(): Promise<unknown>
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2)
  const workersFlag = argv.find((a) => a.startsWith('--workers='))
  const workers = workersFlag ? Number(workersFlag.slice('--workers='.length)) : 1
  if (!Number.isInteger(workers) || workers < 1) throw new Error(`bad ${workersFlag}`)
  const [upstreamPort, upstreamCaPath, databaseUrl] = argv.filter((a) => !a.startsWith('--'))
  if (!upstreamPort || !upstreamCaPath) {
    throw new Error('usage: proxy-process.ts <upstreamPort> <upstreamCaPath>')
  }
  const home = mkdtempSync(join(tmpdir(), 'tt-bench-proxy-'))
  // An explicit env (not process.env): no HTTPS_PROXY or user settings leak into the bench.
  const env = {
    TOKENTAP_HOME: home,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: '0',
    TOKENTAP_RESOLVE: `*:443=127.0.0.1:${upstreamPort}`,
    TOKENTAP_UPSTREAM_CA: upstreamCaPath,
    SHUTDOWN_GRACE_MS: '500',
    // Scenario k holds ~10,000 streams; the fd limit, not this cap, should bound it.
    PROXY_MAX_CONNECTIONS: '30000',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  }
  const config = loadProxyConfig(env)
  // Warnings and errors reach the bench's stderr capture; info lines are dropped.
  const stderr = createLogger()
  const log = { info() {}, warn: stderr.warn, error: stderr.error }
  const app = workers > 1 ? await supervised(env, workers, log) : await single(config, log)
  const caPath = join(home, 'bench-proxy-ca.pem')
  writeFileSync(caPath, app.caPem)
  const ready = { port: app.port, pid: process.pid, caPath, workerPids: app.workerPids }
  process.stdout.write(`${JSON.stringify(ready)}\n`)

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

async function single(
  config: ReturnType<typeof loadProxyConfig>,
  log: Parameters<typeof startProxyApp>[1]['log'],
): Promise<Running> {
  const app = await startProxyApp(config, { log })
  return { port: app.address.port, caPem: app.caCertPem, stop: () => app.stop() }
}

/** The workers inherit PATH (and TMPDIR) beside the bench's variables; their info lines go to
 *  the bench's stderr capture too. */
async function supervised(
  env: Record<string, string>,
  workers: number,
  log: Parameters<typeof startProxyApp>[1]['log'],
): Promise<Running> {
  const s = await startSupervisor({
    workers,
    port: 0,
    env: {
      PATH: process.env.PATH ?? '',
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
      ...env,
    },
    log,
  })
  const caPem = readFileSync(join(env.TOKENTAP_HOME ?? '', 'ca', 'ca.pem'), 'utf8')
  return { port: s.address.port, caPem, workerPids: s.pids(), stop: () => s.stop() }
}

main().catch((e: Error) => {
  process.stderr.write(`bench proxy: ${e.stack ?? e.message}\n`)
  process.exit(1)
})
