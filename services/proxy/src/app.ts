// Assembles the proxy from its parts; used by main.ts and by the integration tests.

import type { ProviderDialect } from '@tokentap/shared'
import { loadOrCreateCa } from './ca/ca-store.ts'
import { createLeafCache } from './ca/leaf-cache.ts'
import { createLeafKey } from './ca/mint.ts'
import type { ProxyConfig } from './config.ts'
import type { Logger } from './log.ts'
import { createMetrics, type ProxyMetrics } from './metrics/metrics.ts'
import { createPricer } from './pricing/index.ts'
import { dialectsAndHosts } from './providers/configured.ts'
import { createProxyServer, type ProxyServer } from './server/proxy-server.ts'
import { openDatabaseSink } from './sink/database.ts'
import { createJsonlSink } from './sink/jsonl.ts'
import { fanOut, type UsageSink } from './sink/sink.ts'
import { createUpstreamPool } from './upstream/pool.ts'

export interface ProxyApp {
  server: ProxyServer
  address: { host: string; port: number }
  caCertPem: string
  caCertPath: string | null
  metrics: ProxyMetrics
  sink: UsageSink
  /** Graceful stop: in-flight exchanges finish (grace), records flushed. */
  stop(): Promise<void>
}

export interface ProxyAppDeps {
  log: Logger
  now?: () => number
  newId?: () => string
  /** Extra sinks (tests, the Postgres writer). */
  sinks?: UsageSink[]
  dialectFor?: (host: string, path: string) => ProviderDialect
}

export async function startProxyApp(config: ProxyConfig, deps: ProxyAppDeps): Promise<ProxyApp> {
  const ca = await loadOrCreateCa({
    home: config.home,
    certFile: config.caCertFile,
    keyFile: config.caKeyFile,
  })
  const leafCache = createLeafCache({ ca, leaf: createLeafKey() })
  const metrics = createMetrics()
  const sinks: UsageSink[] = [...(deps.sinks ?? [])]
  if (config.usageLogPath) {
    sinks.push(createJsonlSink(config.usageLogPath, (e) => deps.log.error(e.message)))
  }
  const database = config.databaseUrl
    ? openDatabaseSink(config, config.databaseUrl, deps.log, metrics)
    : null
  if (database) sinks.push(database.sink)
  const sink = fanOut(sinks)
  const pool = createUpstreamPool({
    resolve: config.resolve,
    extraCa: config.upstreamCa,
    connectTimeoutMs: config.upstreamConnectTimeoutMs,
  })
  metrics.gauge('tokentap_leaf_cache_size', 'Leaf certificates cached.', () => leafCache.size())
  metrics.gauge('tokentap_queue_depth', 'Records waiting in sinks.', () => sink.pending())
  metrics.gauge('tokentap_upstream_idle_connections', 'Pooled upstream connections.', () =>
    pool.idleCount(),
  )
  metrics.gauge('tokentap_upstream_connects', 'Upstream connections opened since start.', () =>
    pool.connectCount(),
  )
  const { dialectFor, intercepts, stopWatching } = dialectsAndHosts(config, deps)
  const server = createProxyServer({
    intercepts,
    ctx: {
      config,
      pool,
      sink,
      metrics,
      log: deps.log,
      now: deps.now ?? Date.now,
      newId: deps.newId ?? (() => Bun.randomUUIDv7()),
      dialectFor,
      pricer: createPricer({ overrides: config.priceOverrides }),
    },
    tlsFor: (host) => leafCache.get(host),
  })
  let address: { host: string; port: number }
  try {
    address = await server.listen()
  } catch (e) {
    // Nothing is proxied yet: release what was opened (the database pool) before failing.
    stopWatching()
    pool.close()
    await sink.close()
    await database?.close()
    throw e
  }
  return {
    server,
    address,
    caCertPem: ca.certPem,
    caCertPath: ca.certPath,
    metrics,
    sink,
    async stop() {
      await server.close(config.shutdownGraceMs)
      stopWatching()
      pool.close()
      await sink.close()
      await database?.close()
    },
  }
}
