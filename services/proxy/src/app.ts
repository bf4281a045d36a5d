// Assembles the proxy from its parts; used by main.ts and by the integration tests.

import { existsSync } from 'node:fs'
import type { ProviderDialect } from '@tokentap/shared'
import { errorText } from '@tokentap/shared'
import type { Alerts } from './alerts/index.ts'
import type { Blocker } from './blocking/blocker.ts'
import { caStartNotes, coverageNotes } from './ca/ca-report.ts'
import { homeCaFiles, loadOrCreateCa } from './ca/ca-store.ts'
import { createLeafCache } from './ca/leaf-cache.ts'
import { createLeafKey } from './ca/mint.ts'
import { captureDialect } from './capture/policy.ts'
import type { ProxyConfig } from './config.ts'
import { createDestinationGuard } from './destinations/guard.ts'
import { cachedLookup, type Lookup, ownAddresses, systemLookup } from './destinations/lookup.ts'
import { createEstimator, type Estimator } from './estimate/estimator.ts'
import { accountKeyFromCa } from './identity/account-key.ts'
import { createAccountResolver } from './identity/accounts.ts'
import { openUserDirectory } from './identity/team.ts'
import { interceptPatterns } from './intercept/patterns.ts'
import type { Logger } from './log.ts'
import { createMetrics, type ProxyMetrics } from './metrics/metrics.ts'
import { createPricer } from './pricing/index.ts'
import { dialectsAndHosts } from './providers/configured.ts'
import { startRecording } from './recording.ts'
import { idleSlices } from './records/idle-slices.ts'
import { createRecordPipeline } from './records/pipeline.ts'
import { createProxyServer, type ProxyServer } from './server/proxy-server.ts'
import type { UsageSink } from './sink/sink.ts'
import { guardedDialer } from './upstream/dial.ts'
import { createUpstreamPool } from './upstream/pool.ts'
import type { WorkerRole } from './workers/role.ts'

export interface ProxyApp {
  server: ProxyServer
  address: { host: string; port: number }
  caCertPem: string
  caCertPath: string | null
  /** Budget evaluator and Slack alerts; null when none are configured (or no DATABASE_URL). */
  alerts: Alerts | null
  /** Hard budgets' snapshot; null without a budgets file. */
  blocker: Blocker | null
  metrics: ProxyMetrics
  sink: UsageSink
  /** Graceful stop: in-flight exchanges finish (grace), their records reach the sinks, flushed. */
  stop(): Promise<void>
}

export interface ProxyAppDeps {
  log: Logger
  now?: () => number
  newId?: () => string
  /** Extra sinks (tests, the Postgres writer). */
  sinks?: UsageSink[]
  dialectFor?: (host: string, path: string) => ProviderDialect
  /** The token estimator (tests); default: a lazily started worker when TOKENTAP_ESTIMATE is on. */
  estimator?: Estimator
  /** Name → addresses for the destination guard (tests); default: the system resolver. */
  lookup?: Lookup
  /** One of PROXY_WORKERS processes (workers/): absent = the only proxy process. */
  worker?: WorkerRole
  /** When bookkeeping slices run (idle-slices.ts); default setImmediate, after pending I/O.
   *  The in-process test harness runs them on a microtask: a record is in before the harness's
   *  own client reads the response, as its `records.length` snapshots assume. */
  scheduleSlice?: (slice: () => void) => void
}

export async function startProxyApp(config: ProxyConfig, deps: ProxyAppDeps): Promise<ProxyApp> {
  const patterns = interceptPatterns(config.interceptHosts, config.providers)
  const ca = await loadOrCreateCa({
    home: config.home,
    certFile: config.caCertFile,
    keyFile: config.caKeyFile,
    permit: patterns.map((p) => p.pattern),
  })
  const caPath = ca.certPath ?? 'CA_CERT_FILE'
  const next = config.caCertFile ? null : homeCaFiles(config.home).next.cert
  // With PROXY_WORKERS, the first worker speaks for the CA (the others load the same files).
  const notes = (deps.worker?.singletons ?? true) ? caStartNotes : () => []
  for (const note of notes({
    caPath,
    profile: ca.profile,
    patterns,
    now: new Date(deps.now?.() ?? Date.now()),
    nextWaiting: next !== null && existsSync(next) ? next : null,
  })) {
    deps.log[note.level](note.text)
  }
  const leafCache = createLeafCache({ ca, leaf: createLeafKey() })
  const metrics = createMetrics()
  const pricer = createPricer({ overrides: config.priceOverrides })
  const { sink, database, alerts, blocker, stopBlocking } = startRecording(
    config,
    deps,
    metrics,
    pricer,
  )
  const now = deps.now ?? Date.now
  const guard = createDestinationGuard({
    policy: config.destinations,
    resolve: config.resolve,
    lookup: cachedLookup(deps.lookup ?? systemLookup, now, config.upstreamConnectTimeoutMs),
    own: ownAddresses(now, [config.host]),
  })
  const pool = createUpstreamPool({
    resolve: config.resolve,
    dial: guardedDialer(guard),
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
  const { dialectFor, intercepts, stopWatching, captureUnknown } = dialectsAndHosts(config, {
    ...deps,
    // A reloaded providers file may name hosts the CA's name constraints leave out.
    onReload: (providers) => {
      const reloaded = interceptPatterns(config.interceptHosts, providers)
      for (const note of coverageNotes(caPath, ca.profile, reloaded)) deps.log.warn(note.text)
    },
  })
  // Bodies go only to Postgres (exchange_bodies): without a database there is nothing to capture.
  const capture = {
    captureBodies: config.captureBodies && database !== null,
    maxBytes: config.captureMaxBytes,
    captureUnknown: () => database !== null && captureUnknown(),
  }
  const estimator = config.estimate ? (deps.estimator ?? createEstimator()) : null
  // Every exchange's bookkeeping (parser end, record, price, sink hand-off) runs in these.
  const bookkeeping = idleSlices(
    (e) => deps.log.error(`bookkeeping: ${errorText(e)}`),
    deps.scheduleSlice,
  )
  metrics.gauge(
    'tokentap_bookkeeping_pending',
    'Exchange results waiting for an idle slice to become records.',
    () => bookkeeping.pending,
  )
  const records = createRecordPipeline({
    defer: bookkeeping.defer,
    newId: deps.newId ?? (() => Bun.randomUUIDv7()),
    pricer,
    sink,
    estimator,
    onRecord: (r) => metrics.exchange(r.provider, r.outcome),
    onError: (stage, e) => deps.log.error(`record ${stage}: ${errorText(e)}`),
  })
  if (estimator) {
    metrics.gauge(
      'tokentap_estimates_waiting',
      'Records waiting for a token estimate.',
      () => records.waiting,
    )
  }
  let server: ProxyServer | null = null
  const users = openUserDirectory(config.proxyUsersFile, config.proxyUsers, deps.log, (list) =>
    server?.revoke(list),
  )
  if (config.destinations.enforce) {
    const opened = config.destinations.allow.map((e) => e.text).join(', ') || 'none'
    deps.log.info(
      `destinations: public addresses only (team mode or non-loopback bind); allowed: ${opened}`,
    )
  }
  server = createProxyServer({
    intercepts,
    users: users.current,
    guard,
    ctx: {
      config,
      pool,
      metrics,
      log: deps.log,
      now,
      records,
      bookkeeping,
      dialectFor: (host, path) => captureDialect(capture, dialectFor(host, path)),
      accountOf: createAccountResolver(config.accountKey ?? accountKeyFromCa(ca.keyPem)),
      blocking: blocker,
    },
    tlsFor: (host) => leafCache.get(host),
    ...(deps.worker ? { reusePort: true, metricsText: deps.worker.gatherMetrics } : {}),
  })
  let address: { host: string; port: number }
  try {
    address = await server.listen()
  } catch (e) {
    // Nothing is proxied yet: release what was opened (the database pool) before failing.
    stopWatching()
    users.stop()
    estimator?.close()
    pool.close()
    await sink.close()
    await stopBlocking()
    await alerts?.stop()
    await database?.close()
    throw e
  }
  return {
    server,
    address,
    caCertPem: ca.certPem,
    caCertPath: ca.certPath,
    alerts,
    blocker,
    metrics,
    sink,
    async stop() {
      // Exchanges end and hand over their results; then every record reaches the sinks (the
      // wait for estimates is bounded by the estimator's timeout).
      await server.close(config.shutdownGraceMs)
      await records.drain()
      estimator?.close()
      stopWatching()
      users.stop()
      pool.close()
      // The sink first: records are flushed or spooled before anything else can go wrong; a
      // pool whose database vanished meanwhile only earns a warning, never a failed stop.
      await sink.close()
      for (const [name, part] of [
        ['blocking', stopBlocking],
        ['alerts', () => alerts?.stop()],
        ['database', () => database?.close()],
      ] as const) {
        try {
          await part()
        } catch (e) {
          deps.log.warn(`stopping ${name}: ${(e as Error).message}`)
        }
      }
    },
  }
}
