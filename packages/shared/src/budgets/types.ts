// Budget contract shared by the proxy's alert evaluator and the dashboard's budget page.

export const BUDGET_SCOPE_KEYS = ['user', 'project', 'provider', 'model', 'program'] as const
export type BudgetScopeKey = (typeof BUDGET_SCOPE_KEYS)[number]
export type BudgetPeriod = 'day' | 'week' | 'month'
/** What a budget's spend counts: `billed` (default) = requests billed to API keys and accounts;
 *  `all` = also the API-equivalent value of subscription traffic. */
export type BudgetCounts = 'billed' | 'all'
export const BUDGET_COUNTS: readonly BudgetCounts[] = ['billed', 'all']
/** What a budget does at its limit: `alert` (default) = Slack alerts only; `block` = alerts, and
 *  once the window's spend is at or over the limit the proxy refuses new billable requests in its
 *  scope (the ones it counts: subscription traffic only with counts 'all'). */
export type BudgetAction = 'alert' | 'block'
export const BUDGET_ACTIONS: readonly BudgetAction[] = ['alert', 'block']

export interface Budget {
  name: string
  period: BudgetPeriod
  limitUsd: number
  /** Fractions of the limit, ascending (default [0.5, 0.8, 1]). */
  thresholds: number[]
  /** Empty = the whole team. */
  scope: Partial<Record<BudgetScopeKey, string>>
  /** What the spend counts; absent = 'billed' (subscription traffic is not money spent). The
   *  parser always sets it. */
  counts?: BudgetCounts
  /** Absent = 'alert'. The parser always sets it. */
  action?: BudgetAction
  webhookUrl?: string
}

export interface BudgetsConfig {
  /** IANA zone the periods follow (default UTC). */
  timezone: string
  budgets: Budget[]
}

export interface BudgetWindow {
  start: Date
  end: Date
}

export interface BudgetSpend {
  spentUsd: number
  requests: number
  unpricedRequests: number
  estimatedRequests: number
}

export interface BlockedUser {
  /** null: requests without a user. */
  user: string | null
  requests: number
  /** ISO time of the user's latest refused request. */
  lastAt: string
}

export interface BudgetBlocked {
  /** Requests the budget refused in the window. */
  requests: number
  /** Whose, most refused first (at most `limit`). */
  users: BlockedUser[]
}

/** One alerts_sent row. */
export interface BudgetAlertRow {
  budget: string
  threshold: number
  windowStart: string
  createdAt: string
  deliveredAt: string | null
  attempts: number
  lastError: string | null
}
