// The budget evaluator: after each committed flush (coalesced: one evaluation running, at most
// one queued) it reads every budget's spend for its current window, claims newly crossed
// thresholds in alerts_sent and posts them to Slack in the background (bounded retries with
// backoff). Undelivered rows stay pending and are retried by retryPending() until delivered or
// expired. Nothing here runs on the request path or holds up a flush.

import { errorText } from '@tokentap/shared'
import {
  type Budget,
  type BudgetsConfig,
  type BudgetWindow,
  budgetBreakdown,
  budgetSpend,
  budgetWindow,
} from '@tokentap/shared/budgets'
import type postgres from 'postgres'
import { coalescedRunner } from '../jobs/coalesce.ts'
import type { Logger } from '../log.ts'
import {
  backoffMs,
  crossedThresholds,
  DEFAULT_RETRY,
  isExpired,
  maskUrls,
  maskWebhookUrl,
  type RetryPolicy,
} from './decide.ts'
import { budgetAlertMessage, type SlackMessage } from './message.ts'
import type { SlackPost } from './slack.ts'
import { claimThresholds, deliverOnce, markExpired, pendingAlerts } from './store.ts'

export interface EvaluatorDeps {
  sql: postgres.Sql
  /** The budgets in force (reloaded config); null = none. */
  budgets: () => BudgetsConfig | null
  defaultWebhookUrl: string | undefined
  dashboardUrl: string | undefined
  post: SlackPost
  log: Logger
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
  retry?: RetryPolicy
  /** Attempts per row over its whole life (default 100). */
  maxAttempts?: number
  /** A pending alert is dropped this long after its window ended (default 1 h). */
  expiryGraceMs?: number
}

/** A row to deliver: where, and how to build the message at attempt time. */
export interface DeliveryJob {
  id: string
  label: string
  url: string | undefined
  build: () => Promise<SlackMessage>
}

/** Rebuilds the job of a pending row that is not a budget threshold (the digest, the limit
 *  alerts), or null. */
export type ResolvePending = (row: {
  id: string
  budget: string
  windowStart: Date
  threshold: number
}) => { window: BudgetWindow; job: DeliveryJob } | null

export interface EvaluatorStats {
  evaluations: number
  delivered: number
  failures: number
  pending: number
}

export interface BudgetEvaluator {
  /** Ask for an evaluation (after a flush); coalesced, never throws. */
  trigger(): void
  /** One evaluation now. */
  evaluate(): Promise<void>
  /** One pass over pending rows: expire or re-attempt them (one attempt each). */
  retryPending(resolve?: ResolvePending): Promise<void>
  /** Deliver a claimed row in the background (bounded retries). */
  deliver(job: DeliveryJob, tries?: number): void
  /** Resolves when no evaluation or delivery is running. */
  idle(): Promise<void>
  stop(): Promise<void>
  stats: EvaluatorStats
}

export function createBudgetEvaluator(deps: EvaluatorDeps): BudgetEvaluator {
  const now = deps.now ?? (() => new Date())
  const sleep =
    deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.()))
  const retry = deps.retry ?? DEFAULT_RETRY
  const maxAttempts = deps.maxAttempts ?? 100
  const graceMs = deps.expiryGraceMs ?? 3_600_000
  const { sql, log } = deps
  const stats: EvaluatorStats = { evaluations: 0, delivered: 0, failures: 0, pending: 0 }
  const deliveries = new Set<Promise<void>>()
  const inFlight = new Set<string>()
  /** Budget windows whose every threshold is claimed: no spend query needed until the next. */
  const done = new Set<string>()
  let lastError = ''
  let wake: () => void = () => {}
  const stopping = new Promise<void>((r) => {
    wake = r
  })

  const warnOnce = (what: string, e: unknown): void => {
    const text = maskUrls(`${what}: ${errorText(e)}`)
    if (text !== lastError) log.warn(text)
    lastError = text
  }

  const urlOf = (b: Budget): string | undefined => b.webhookUrl ?? deps.defaultWebhookUrl

  function budgetJob(
    id: string,
    b: Budget,
    tz: string,
    w: BudgetWindow,
    threshold: number,
  ): DeliveryJob {
    return {
      id,
      label: `budget "${b.name}" ${Math.round(threshold * 1000) / 10} %`,
      url: urlOf(b),
      build: async () => {
        const [spend, top] = await Promise.all([
          budgetSpend(sql, b, w),
          budgetBreakdown(sql, b, w, 3),
        ])
        return budgetAlertMessage({
          budget: b,
          timezone: tz,
          window: w,
          threshold,
          spend,
          top,
          dashboardUrl: deps.dashboardUrl,
        })
      },
    }
  }

  async function attempt(job: DeliveryJob): Promise<'delivered' | 'failed' | 'gone'> {
    const url = job.url
    let lastFailure = ''
    let message: SlackMessage
    try {
      message = await job.build()
    } catch (e) {
      warnOnce(`alerts: cannot build ${job.label}`, e)
      return 'failed'
    }
    const r = await deliverOnce(
      sql,
      job.id,
      async () => {
        if (!url) throw new Error('no webhook URL configured')
        await deps.post(url, message)
      },
      (e) => {
        lastFailure = maskUrls(e.message).slice(0, 500)
        return lastFailure
      },
    )
    if (r === 'delivered') {
      stats.delivered++
      log.info(`alerts: ${job.label} sent to ${url ? maskWebhookUrl(url) : '?'}`)
    } else if (r === 'failed') {
      stats.failures++
      warnOnce(`alerts: ${job.label} not delivered`, lastFailure)
    }
    return r
  }

  function deliver(job: DeliveryJob, tries = retry.tries): void {
    if (runner.stopped || inFlight.has(job.id)) return
    inFlight.add(job.id)
    const run = (async () => {
      for (let n = 1; n <= tries && !runner.stopped; n++) {
        if (n > 1) await Promise.race([sleep(backoffMs(retry, n)), stopping])
        const r = await attempt(job).catch((e: unknown) => {
          warnOnce(`alerts: delivering ${job.label}`, e)
          return 'failed' as const
        })
        if (r !== 'failed') return
      }
      if (tries > 1) log.warn(`alerts: ${job.label} stays pending; retried until its window ends`)
    })().finally(() => {
      inFlight.delete(job.id)
      deliveries.delete(run)
    })
    deliveries.add(run)
  }

  async function evaluate(): Promise<void> {
    const cfg = deps.budgets()
    if (!cfg || runner.stopped) return
    stats.evaluations++
    const t = now()
    if (done.size > 10_000) done.clear()
    for (const b of cfg.budgets) {
      const w = budgetWindow(b.period, cfg.timezone, t)
      const key = JSON.stringify([b.name, w.start, b.limitUsd, b.thresholds, b.scope])
      if (done.has(key)) continue
      const spend = await budgetSpend(sql, b, w)
      const crossed = crossedThresholds(b.thresholds, spend.spentUsd, b.limitUsd)
      if (crossed.length === 0) continue
      const claimed = await claimThresholds(sql, b.name, w.start, crossed)
      if (crossed.length === b.thresholds.length) done.add(key)
      for (const c of claimed) deliver(budgetJob(c.id, b, cfg.timezone, w, c.threshold))
    }
  }

  const runner = coalescedRunner(evaluate, (e) => warnOnce('alerts: evaluation failed', e))

  return {
    stats,
    trigger: runner.trigger,
    evaluate,
    deliver,
    async retryPending(resolve) {
      if (runner.stopped) return
      const cfg = deps.budgets()
      const rows = await pendingAlerts(sql, maxAttempts)
      stats.pending = rows.length
      const t = now()
      for (const row of rows) {
        if (inFlight.has(row.id)) continue
        const b = cfg?.budgets.find((x) => x.name === row.budget)
        let found: { window: BudgetWindow; job: DeliveryJob } | null = null
        if (b && cfg) {
          const w = budgetWindow(b.period, cfg.timezone, row.windowStart)
          found = { window: w, job: budgetJob(row.id, b, cfg.timezone, w, row.threshold) }
        } else {
          found = resolve?.(row) ?? null
        }
        if (!found) {
          await markExpired(sql, row.id, 'the budget is no longer configured')
        } else if (isExpired(found.window.end, t, graceMs)) {
          await markExpired(sql, row.id, `window ended ${found.window.end.toISOString()}`)
        } else {
          deliver(found.job, 1)
        }
      }
    },
    async idle() {
      for (;;) {
        await runner.idle()
        if (deliveries.size === 0) return
        await Promise.all(deliveries)
      }
    },
    async stop() {
      const stopping = runner.stop()
      wake()
      await stopping
      await Promise.all(deliveries)
    },
  }
}
