// SLACK_DAILY_DIGEST: once a day at HH:MM in the budgets' zone, one message with yesterday's
// spend (top models and users) and every budget's current standing. Deduped across replicas
// like thresholds: an alerts_sent row (budget '__digest__', window_start = the sending day's
// local midnight, threshold 0) is claimed before sending; a missed digest is sent late the
// same day (e.g. the proxy was down at HH:MM), never for a past day.

import {
  type BudgetsConfig,
  type BudgetWindow,
  budgetBreakdown,
  budgetSpend,
  budgetWindow,
  localTimeToday,
} from '@tokentap/shared/budgets'
import type postgres from 'postgres'
import type { BudgetEvaluator, DeliveryJob, ResolvePending } from './evaluator.ts'
import { digestMessage } from './message.ts'
import { claimThresholds } from './store.ts'

export const DIGEST_BUDGET = '__digest__'

export interface DigestDeps {
  sql: postgres.Sql
  evaluator: BudgetEvaluator
  budgets: () => BudgetsConfig | null
  at: { hour: number; minute: number }
  url: string
  dashboardUrl: string | undefined
  now: () => Date
}

export interface Digest {
  /** Claims and sends today's digest when it is due and nobody sent it yet. */
  check(): Promise<void>
  /** For evaluator.retryPending: rebuilds a pending digest row. */
  resolve: ResolvePending
}

export function createDigest(deps: DigestDeps): Digest {
  const { sql } = deps
  let claimedDay = Number.NaN
  const zone = (): string => deps.budgets()?.timezone ?? 'UTC'

  function job(id: string, today: BudgetWindow, tz: string): DeliveryJob {
    return {
      id,
      label: 'daily digest',
      url: deps.url,
      build: async () => {
        const day = budgetWindow('day', tz, new Date(today.start.getTime() - 1))
        const whole = { scope: {} }
        const [daySpend, dayAll, dayTop] = await Promise.all([
          budgetSpend(sql, whole, day),
          budgetSpend(sql, { scope: {}, counts: 'all' }, day),
          budgetBreakdown(sql, whole, day, 3),
        ])
        const t = deps.now()
        const budgets = await Promise.all(
          (deps.budgets()?.budgets ?? []).map(async (budget) => {
            const window = budgetWindow(budget.period, tz, t)
            return { budget, window, spend: await budgetSpend(sql, budget, window) }
          }),
        )
        return digestMessage({
          timezone: tz,
          day,
          daySpend,
          dayTop,
          budgets,
          dashboardUrl: deps.dashboardUrl,
          daySubscriptionValueUsd: Math.max(0, dayAll.spentUsd - daySpend.spentUsd),
        })
      },
    }
  }

  return {
    async check() {
      const tz = zone()
      const t = deps.now()
      if (t < localTimeToday(tz, t, deps.at.hour, deps.at.minute)) return
      const today = budgetWindow('day', tz, t)
      if (claimedDay === today.start.getTime()) return
      const claimed = await claimThresholds(sql, DIGEST_BUDGET, today.start, [0])
      claimedDay = today.start.getTime()
      for (const c of claimed) deps.evaluator.deliver(job(c.id, today, tz))
    },
    resolve(row) {
      if (row.budget !== DIGEST_BUDGET) return null
      const tz = zone()
      const today = budgetWindow('day', tz, row.windowStart)
      return { window: today, job: job(row.id, today, tz) }
    },
  }
}
