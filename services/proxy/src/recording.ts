// Where records go and what follows each flush: the JSON-lines log, the Postgres writer (its
// spool per worker), the budget evaluator and Slack alerts (singletons: one process of the
// workers), and the hard budgets' snapshot re-read after each flush.

import { errorText } from '@tokentap/shared'
import { connect } from '@tokentap/shared/db'
import { type Alerts, alertsEnabled, startAlerts } from './alerts/index.ts'
import type { ProxyAppDeps } from './app.ts'
import { type Blocker, createBlocker } from './blocking/blocker.ts'
import type { ProxyConfig } from './config.ts'
import type { ProxyMetrics } from './metrics/metrics.ts'
import type { Pricer } from './pricing/index.ts'
import { type DatabaseSink, openDatabaseSink } from './sink/database.ts'
import { createJsonlSink } from './sink/jsonl.ts'
import { fanOut, type UsageSink } from './sink/sink.ts'
import { adoptOrphanSpools, spoolDirFor } from './workers/spool-dirs.ts'

export interface Recording {
  /** Every sink at once (a throwing one stands in no other's way). */
  sink: UsageSink
  database: DatabaseSink | null
  alerts: Alerts | null
  blocker: Blocker | null
  /** Stops the blocker and closes its connection. */
  stopBlocking(): Promise<void>
}

export function startRecording(
  config: ProxyConfig,
  deps: ProxyAppDeps,
  metrics: ProxyMetrics,
  pricer: Pricer,
): Recording {
  const sinks: UsageSink[] = [...(deps.sinks ?? [])]
  if (config.usageLogPath) {
    sinks.push(
      createJsonlSink(config.usageLogPath, (e) => deps.log.error(e.message), deps.log.warn),
    )
  }
  let alerts: Alerts | null = null
  let blocker: Blocker | null = null
  // Singletons (alerts, body retention) run in one process: the only one, or the first worker.
  const worker = deps.worker
  const singletons = worker?.singletons ?? true
  const forward = worker && !singletons && alertsEnabled(config.alerts) ? worker : null
  if (config.databaseUrl && (worker?.index ?? 0) === 0) {
    const adopted = adoptOrphanSpools(config.home, worker?.count ?? 1)
    if (adopted > 0)
      deps.log.info(`spool: ${adopted} segment(s) of workers no longer running adopted`)
  }
  const database = config.databaseUrl
    ? openDatabaseSink(
        config,
        config.databaseUrl,
        deps.log,
        metrics,
        (info) => {
          if (forward) forward.forwardFlush(info)
          else alerts?.onFlushed(info)
          blocker?.refresh()
        },
        { spoolDir: spoolDirFor(config.home, worker?.index ?? 0), upkeep: singletons },
      )
    : null
  if (database && config.databaseUrl && singletons && alertsEnabled(config.alerts)) {
    alerts = startAlerts({
      config: config.alerts,
      databaseUrl: config.databaseUrl,
      log: deps.log,
      metrics,
      sinkMetrics: database.metrics,
      onBudgets: () => blocker?.refresh(),
    })
  }
  // Hard budgets read spend on their own connection (opened on the first blocking budget).
  const blockingSql =
    database && config.databaseUrl && config.alerts.budgets
      ? connect(config.databaseUrl, { max: 1, applicationName: 'tokentap-blocking' }).sql
      : null
  if (blockingSql) {
    const initial = config.alerts.budgets
    blocker = createBlocker({
      sql: blockingSql,
      budgets: () => alerts?.budgets() ?? initial,
      pricer,
      now: deps.now ?? Date.now,
      refreshMs: config.budgetRefreshMs,
      log: deps.log,
    })
    const b = blocker
    metrics.gauge(
      'tokentap_budgets_blocking',
      'Budgets refusing requests now.',
      () => b.snapshot().over.length,
    )
  }
  if (database) sinks.push(database.sink)
  const sink = fanOut(sinks, (e) => deps.log.error(`sink: ${errorText(e)}`))
  return {
    sink,
    database,
    alerts,
    blocker,
    async stopBlocking() {
      await blocker?.stop()
      await blockingSql?.end({ timeout: 5 })
    },
  }
}
