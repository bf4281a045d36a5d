// Hard budgets, the decision (pure): a snapshot of the blocking budgets' spend (refreshed off the
// request path, blocker.ts) and a request's facts in, the budget that refuses it (or none) out.
// A request is refused when it is billable, its model is not priced at zero, and some budget
// with `"action": "block"` whose window is still the current one was at or over its limit at
// the last refresh, and that budget's scope takes the request — and counts it: subscription
// traffic only when the budget counts `all`. An unknown model (the body did not name one we
// could read) is judged as priced, but cannot match a budget scoped to a model.

import type { BillingKind } from '@tokentap/shared'
import {
  type Budget,
  type BudgetsConfig,
  type BudgetWindow,
  blocksAt,
} from '@tokentap/shared/budgets'

/** A blocking budget's spend in its window, as last read from Postgres. */
export interface BudgetReading {
  budget: Budget
  window: BudgetWindow
  spentUsd: number
}

export interface BlockSnapshot {
  /** The budgets' zone (reset times are shown in it). */
  timezone: string
  /** Blocking budgets at or over their limit at the last refresh, in file order. */
  over: readonly BudgetReading[]
}

export const EMPTY_SNAPSHOT: BlockSnapshot = { timezone: 'UTC', over: [] }

/** The budgets that may block: `"action": "block"`, in file order. */
export function blockingBudgets(cfg: BudgetsConfig | null): Budget[] {
  return cfg?.budgets.filter((b) => b.action === 'block') ?? []
}

/** The snapshot of a refresh: the readings at or over their limit. */
export function snapshotOf(timezone: string, readings: readonly BudgetReading[]): BlockSnapshot {
  return {
    timezone,
    over: readings.filter((r) => blocksAt(r.budget, r.spentUsd)),
  }
}

/** Who sends a request and to which provider, as its head says. */
export interface RequestFacts {
  provider: string
  user: string | null
  project: string | null
  program: string | null
  billingKind: BillingKind
}

const SCOPE_FIELDS = ['user', 'project', 'provider', 'program'] as const

/** The over-limit budgets that take this request whatever its model (a model scope is checked by
 *  `blockingBudget` once the model is known). A window that has ended no longer blocks: the next
 *  one starts from nothing (until the next refresh says otherwise). */
export function candidates(
  snapshot: BlockSnapshot,
  facts: RequestFacts,
  nowMs: number,
): BudgetReading[] {
  return snapshot.over.filter((r) => {
    const { budget, window } = r
    if (nowMs < window.start.getTime() || nowMs >= window.end.getTime()) return false
    if (facts.billingKind === 'subscription' && budget.counts !== 'all') return false
    return SCOPE_FIELDS.every((k) => budget.scope[k] === undefined || budget.scope[k] === facts[k])
  })
}

/** The budget that refuses a request for `model` (null: unknown) among `cands`, or null. A model
 *  priced at zero (`isFree`) is never refused. */
export function blockingBudget(
  cands: readonly BudgetReading[],
  model: string | null,
  isFree: (model: string) => boolean,
): BudgetReading | null {
  const hit = cands.find((r) => {
    const scoped = r.budget.scope.model
    return scoped === undefined || (model !== null && scoped === model)
  })
  if (!hit || (model !== null && isFree(model))) return null
  return hit
}
