// startDashboard(config): the dashboard as a running server — read-only pool, budgets file
// (loaded now, watched for edits), the LISTEN connection and hub, Bun.serve — with one stop()
// that closes them in order. Used by main.ts (`bun run dashboard`) and `bun run start`.

import { redact } from '@tokentap/shared'
import { type BudgetsConfig, loadBudgetsFile, watchBudgetsFile } from '@tokentap/shared/budgets'
import { connect } from '@tokentap/shared/db'
import { createDashboardApp } from './app.ts'
import type { DashboardConfig } from './config.ts'
import { createAggregateCache } from './data/cache.ts'
import { createDataAccess } from './data/index.ts'
import { listenClient, startLive } from './live/index.ts'

export interface DashboardServer {
  host: string
  port: number
  stop(): Promise<void>
}

export interface StartOptions {
  log?: (message: string) => void
}

/** Bun closes connections idle this long; SSE heartbeats come more often. */
const IDLE_TIMEOUT_S = 60

export function startDashboard(config: DashboardConfig, opts: StartOptions = {}): DashboardServer {
  const log = (m: string): void => (opts.log ?? ((s) => process.stderr.write(`${s}\n`)))(redact(m))
  // Fail fast on a bad budgets file, before anything is started.
  let budgets: BudgetsConfig | null = config.budgetsPath
    ? loadBudgetsFile(config.budgetsPath)
    : null
  const db = config.databaseUrl
    ? connect(config.databaseUrl, { max: 4, applicationName: 'tokentap-dashboard', readOnly: true })
    : null
  const unwatch = config.budgetsPath
    ? watchBudgetsFile(
        config.budgetsPath,
        (cfg) => {
          budgets = cfg
          log(`dashboard: reloaded ${config.budgetsPath} (${cfg.budgets.length} budgets)`)
        },
        (e) => log(`dashboard: budgets file not reloaded: ${e.message}`),
      )
    : () => {}
  // Closed hours' sums are cached while the live feed can tell us about late rows.
  let feedUp = (): boolean => false
  const cache = createAggregateCache({ enabled: () => feedUp() })
  const live =
    db && config.databaseUrl
      ? startLive({
          sql: db.sql,
          open: listenClient(config.databaseUrl, 'tokentap-dashboard-listen'),
          onError: (e) => log(`dashboard live feed: ${e.message}`),
          onGap: () => cache.clear(),
        })
      : null
  if (live) {
    feedUp = () => live.listener.listening()
    live.hub.subscribe((row) => cache.noteRow(Date.parse(row.startedAt), Date.now()))
  }
  const app = createDashboardApp({
    ...(db
      ? {
          pingDatabase: async () => {
            await db.sql`select 1`
          },
          data: createDataAccess(db.sql, {
            budgets: () => budgets,
            cache,
            pricesFile: config.pricesPath,
          }),
        }
      : {}),
    config,
    hub: live?.hub ?? null,
    log,
  })
  let server: ReturnType<typeof Bun.serve>
  try {
    server = Bun.serve({
      hostname: config.host,
      port: config.port,
      idleTimeout: IDLE_TIMEOUT_S,
      fetch: app.fetch,
    })
  } catch (e) {
    unwatch()
    void live?.stop()
    void db?.sql.end({ timeout: 1 })
    throw e
  }
  return {
    host: config.host,
    port: server.port ?? config.port,
    async stop() {
      // Forced: open SSE streams never finish on their own.
      await server.stop(true)
      unwatch()
      await live?.stop()
      await db?.sql.end({ timeout: 5 })
    },
  }
}
