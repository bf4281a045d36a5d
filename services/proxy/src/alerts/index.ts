// Alerts wiring: a small Postgres pool of its own (alerts never take the writer's connections),
// the budgets file watched for changes, the evaluator triggered after each committed flush, and
// a periodic tick for pending retries, the daily digest and the degraded-recording alert.

import { hostname } from 'node:os'
import { type BudgetsConfig, watchBudgetsFile } from '@tokentap/shared/budgets'
import { connect } from '@tokentap/shared/db'
import type postgres from 'postgres'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import type { FlushInfo, PostgresSinkMetrics } from '../sink/postgres-types.ts'
import { type AlertsConfig, checkWebhooks } from './config.ts'
import { maskUrls, maskWebhookUrl } from './decide.ts'
import { type DegradedState, degradedStep, HEALTHY } from './degraded.ts'
import { createDigest, type Digest } from './digest.ts'
import { type BudgetEvaluator, createBudgetEvaluator, type ResolvePending } from './evaluator.ts'
import { createLimitAlerts, type LimitAlerts } from './limits.ts'
import { degradedMessage } from './message.ts'
import { createSlackPost, type SlackPost } from './slack.ts'

export type { AlertsConfig } from './config.ts'
export { alertsEnabled, readAlertsConfig } from './config.ts'

export interface AlertsDeps {
  config: AlertsConfig
  databaseUrl: string
  log: Logger
  metrics?: ProxyMetrics
  /** The writer's metrics, for the degraded-recording alert. */
  sinkMetrics?: () => PostgresSinkMetrics
  /** Tests: an existing pool (not closed by stop) instead of a new one. */
  sql?: postgres.Sql
  post?: SlackPost
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  /** Period of retries / digest / degraded checks (default 30 s). */
  tickMs?: number
  /** A reloaded budgets file was accepted (hard budgets refresh their snapshot). */
  onBudgets?: (cfg: BudgetsConfig) => void
}

export interface Alerts {
  /** The budgets in force (the file as last accepted). */
  budgets(): BudgetsConfig | null
  evaluator: BudgetEvaluator
  /** Limit alerts (windows, 429 runs, API-key switches); null without SLACK_WEBHOOK_URL. */
  limits: LimitAlerts | null
  /** Call after each committed flush. */
  onFlushed(info?: FlushInfo): void
  /** One tick now: retry pending alerts, send the digest when due, check recording health. */
  tick(): Promise<void>
  stop(): Promise<void>
}

export function startAlerts(deps: AlertsDeps): Alerts {
  const { config, log } = deps
  const now = deps.now ?? (() => new Date())
  const own = deps.sql
    ? null
    : connect(deps.databaseUrl, { max: 2, applicationName: 'tokentap-alerts' }).sql
  const sql = deps.sql ?? (own as postgres.Sql)
  const post = deps.post ?? createSlackPost()
  let budgets: BudgetsConfig | null = config.budgets
  const stopWatching = config.budgetsFile
    ? watchBudgetsFile(
        config.budgetsFile,
        (cfg) => {
          try {
            checkWebhooks(cfg, config.slackWebhookUrl, config.budgetsFile ?? '')
          } catch (e) {
            log.warn(
              `TOKENTAP_BUDGETS not reloaded, keeping the last good one: ${(e as Error).message}`,
            )
            return
          }
          budgets = cfg
          log.info(`TOKENTAP_BUDGETS reloaded: ${cfg.budgets.length} budget(s)`)
          evaluator.trigger()
          deps.onBudgets?.(cfg)
        },
        (e) => log.warn(`TOKENTAP_BUDGETS not reloaded, keeping the last good one: ${e.message}`),
      )
    : () => {}
  const evaluator = createBudgetEvaluator({
    sql,
    budgets: () => budgets,
    defaultWebhookUrl: config.slackWebhookUrl,
    dashboardUrl: config.dashboardUrl,
    post,
    log,
    now,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  })
  const digest: Digest | null =
    config.dailyDigest && config.slackWebhookUrl
      ? createDigest({
          sql,
          evaluator,
          budgets: () => budgets,
          at: config.dailyDigest,
          url: config.slackWebhookUrl,
          dashboardUrl: config.dashboardUrl,
          now,
        })
      : null

  const limits: LimitAlerts | null = config.slackWebhookUrl
    ? createLimitAlerts({
        sql,
        deliver: (job) => evaluator.deliver(job),
        url: config.slackWebhookUrl,
        thresholds: config.limitThresholds,
        dashboardUrl: config.dashboardUrl,
        timezone: () => budgets?.timezone ?? 'UTC',
        now,
        log,
      })
    : null
  /** Pending rows that are not budget thresholds: the digest's, the limit alerts'. */
  const resolvePending: ResolvePending = (row) =>
    digest?.resolve(row) ?? limits?.resolve(row) ?? null

  let health: DegradedState = HEALTHY
  async function checkHealth(): Promise<void> {
    const url = config.slackWebhookUrl
    if (!deps.sinkMetrics || !url || config.degradedAfterMin <= 0) return
    const m = deps.sinkMetrics()
    const step = degradedStep(health, m, now().getTime(), config.degradedAfterMin * 60_000)
    health = step.state
    if (!step.send) return
    const message = degradedMessage({
      host: hostname(),
      state: step.send,
      minutes: step.minutes,
      spoolBytes: m.spoolBytes,
      queueDepth: m.queueDepth,
      databaseDown: m.degraded,
    })
    // Not deduped in Postgres (it may be the thing that is down): each replica reports itself.
    for (let n = 0; n < 3; n++) {
      try {
        await post(url, message)
        log.info(`alerts: recording ${step.send} message sent to ${maskWebhookUrl(url)}`)
        return
      } catch (e) {
        log.warn(`alerts: recording ${step.send} message failed: ${maskUrls((e as Error).message)}`)
      }
    }
  }

  let lastTickError = ''
  async function tick(): Promise<void> {
    const parts: [string, () => Promise<void>][] = [
      ['retry', () => evaluator.retryPending(resolvePending)],
      ['digest', () => digest?.check() ?? Promise.resolve()],
      ['health', checkHealth],
    ]
    for (const [what, run] of parts) {
      try {
        await run()
      } catch (e) {
        const text = maskUrls(`alerts: ${what}: ${(e as Error).message}`)
        if (text !== lastTickError) log.warn(text)
        lastTickError = text
      }
    }
  }
  let ticking: Promise<void> | null = null
  const timer = setInterval(() => {
    ticking ??= tick().finally(() => {
      ticking = null
    })
  }, deps.tickMs ?? 30_000)
  timer.unref?.()

  const m = deps.metrics
  if (m) {
    const s = evaluator.stats
    m.gauge('tokentap_alert_evaluations', 'Budget evaluations run.', () => s.evaluations)
    m.gauge('tokentap_alerts_delivered', 'Budget alerts this replica delivered.', () => s.delivered)
    m.gauge('tokentap_alert_delivery_failures', 'Failed alert POSTs.', () => s.failures)
    m.gauge('tokentap_alerts_pending', 'Undelivered alerts (last retry pass).', () => s.pending)
  }
  const defaultUrl = config.slackWebhookUrl ? maskWebhookUrl(config.slackWebhookUrl) : 'none'
  log.info(
    `alerts: ${budgets?.budgets.length ?? 0} budget(s), default webhook ${defaultUrl}` +
      `${digest ? `, daily digest at ${String(config.dailyDigest?.hour).padStart(2, '0')}:${String(config.dailyDigest?.minute).padStart(2, '0')}` : ''}` +
      `${limits ? `, limit alerts at ${config.limitThresholds.map((t) => `${Math.round(t * 1000) / 10} %`).join(', ') || 'no window thresholds'}` : ''}`,
  )

  return {
    budgets: () => budgets,
    evaluator,
    limits,
    onFlushed: (info) => {
      evaluator.trigger()
      limits?.trigger(info)
    },
    tick,
    async stop() {
      clearInterval(timer)
      stopWatching()
      await limits?.stop()
      await evaluator.stop()
      if (ticking) await ticking
      await own?.end({ timeout: 5 })
    },
  }
}
