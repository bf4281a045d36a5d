// Budget statuses for the budgets page and /api/budgets: each configured budget's current
// window, spend (exact, from @tokentap/shared/budgets), alert history and — for a hard budget —
// whether it is blocking now and whose requests it refused in the window.

import type { BudgetStatus } from '@tokentap/shared/api'
import {
  type BudgetsConfig,
  blocksAt,
  budgetAlerts,
  budgetBlocked,
  budgetSpend,
  budgetWindow,
} from '@tokentap/shared/budgets'
import type { Sql } from '@tokentap/shared/db'

/** Alerts shown per budget (pending first, then newest). */
export const ALERTS_PER_BUDGET = 10
/** Blocked users shown per budget (most refused first). */
export const BLOCKED_USERS_PER_BUDGET = 20

export async function budgetStatuses(
  sql: Sql,
  cfg: BudgetsConfig | null,
  now: Date,
): Promise<BudgetStatus[]> {
  if (!cfg) return []
  return Promise.all(
    cfg.budgets.map(async (budget) => {
      const w = budgetWindow(budget.period, cfg.timezone, now)
      const [spend, alerts, blocked] = await Promise.all([
        budgetSpend(sql, budget, w),
        budgetAlerts(sql, budget.name, { limit: ALERTS_PER_BUDGET }),
        budget.action === 'block' ? budgetBlocked(sql, budget, w, BLOCKED_USERS_PER_BUDGET) : null,
      ])
      // The webhook URL is a secret (it is the credential to post): never shown.
      const { webhookUrl: _secret, ...shown } = budget
      return {
        budget: shown,
        window: { start: w.start.toISOString(), end: w.end.toISOString() },
        spend,
        ratio: budget.limitUsd > 0 ? spend.spentUsd / budget.limitUsd : 0,
        alerts,
        blocking: blocksAt(budget, spend.spentUsd),
        blocked,
      }
    }),
  )
}
