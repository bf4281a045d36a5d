// Starts a real proxy for integration tests: temp TOKENTAP_HOME, every :443 resolved to the
// mock upstream on loopback, records captured in memory.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ProviderDialect, UsageRecord } from '@tokentap/shared'
import { type ProxyApp, startProxyApp } from '../../src/app.ts'
import { loadProxyConfig } from '../../src/config.ts'
import type { Lookup } from '../../src/destinations/lookup.ts'
import type { Estimator } from '../../src/estimate/estimator.ts'
import type { LimitReading } from '../../src/limits/reading.ts'
import { createLogger, type Logger } from '../../src/log.ts'
import type { UsageSink } from '../../src/sink/sink.ts'

export interface MemorySink extends UsageSink {
  records: UsageRecord[]
  /** The limits reading that travelled beside each record, by record id. */
  limits: Map<string, LimitReading>
  waitFor(count: number, timeoutMs?: number): Promise<UsageRecord[]>
  /** The first record written after the first `before` ones (waits for it). */
  recordAfter(before: number): Promise<UsageRecord>
}

export function memorySink(): MemorySink {
  const records: UsageRecord[] = []
  const limits = new Map<string, LimitReading>()
  const waiters: (() => void)[] = []
  return {
    records,
    limits,
    write({ record, limits: reading }) {
      if (reading) limits.set(record.id, reading)
      records.push(record)
      for (const w of waiters.splice(0)) w()
    },
    pending: () => 0,
    close: async () => {},
    async recordAfter(before) {
      const all = await this.waitFor(before + 1)
      return all[before]!
    },
    async waitFor(count, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (records.length < count) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`expected ${count} records, have ${records.length}`)
        await new Promise<void>((r) => {
          const t = setTimeout(r, left)
          waiters.push(() => {
            clearTimeout(t)
            r()
          })
        })
      }
      return records
    },
  }
}

export interface Harness {
  app: ProxyApp
  proxyUrl: string
  /** Path of the proxy's CA certificate (what clients trust). */
  caPath: string
  home: string
  sink: MemorySink
  logs: string[]
  stop(): Promise<void>
}

export async function startProxy(opts: {
  upstreamPort: number
  upstreamCaPath: string
  env?: Record<string, string>
  dialectFor?: (host: string, path: string) => ProviderDialect
  estimator?: Estimator
  /** Name → addresses for the destination guard (default: the system resolver). */
  lookup?: Lookup
}): Promise<Harness> {
  const home = mkdtempSync(join(tmpdir(), 'tt-proxy-'))
  const config = loadProxyConfig({
    TOKENTAP_HOME: home,
    PROXY_HOST: '127.0.0.1',
    PROXY_PORT: '0',
    TOKENTAP_RESOLVE: `*:443=127.0.0.1:${opts.upstreamPort}`,
    TOKENTAP_UPSTREAM_CA: opts.upstreamCaPath,
    SHUTDOWN_GRACE_MS: '2000',
    ...opts.env,
  })
  const logs: string[] = []
  const log: Logger = createLogger((l) => logs.push(l))
  const sink = memorySink()
  const app = await startProxyApp(config, {
    log,
    sinks: [sink],
    // Records before this process's client reads its response (see ProxyAppDeps).
    scheduleSlice: queueMicrotask,
    ...(opts.dialectFor ? { dialectFor: opts.dialectFor } : {}),
    ...(opts.estimator ? { estimator: opts.estimator } : {}),
    ...(opts.lookup ? { lookup: opts.lookup } : {}),
  })
  const caPath = join(home, 'ca', 'ca.pem')
  writeFileSync(join(home, 'proxy-ca-copy.pem'), app.caCertPem)
  return {
    app,
    proxyUrl: `http://127.0.0.1:${app.address.port}`,
    caPath,
    home,
    sink,
    logs,
    async stop() {
      await app.stop()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/** Runs curl through the proxy; returns stdout (binary-safe) and the exit code. */
export async function curl(
  args: string[],
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const p = Bun.spawn(['curl', '-sS', ...args], {
    stdout: 'pipe',
    stderr: 'pipe',
    env: { PATH: process.env.PATH ?? '' },
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(p.stdout).arrayBuffer(),
    new Response(p.stderr).text(),
    p.exited,
  ])
  return { code, stdout: Buffer.from(stdout), stderr }
}
