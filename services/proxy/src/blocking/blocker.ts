// Hard budgets, the IO shell: an in-memory snapshot of every blocking budget's spend in its
// current window, read from Postgres after each committed flush of this replica and every
// BUDGET_REFRESH_MS (the spend other replicas committed), never on the request path. Requests
// ask `gate()` (gate.ts, pure) against the snapshot as it is; while no budget is over its limit
// `active` is false and the session asks nothing at all. A failed refresh keeps the last
// snapshot (a window that ended stops blocking by itself, decide.ts).

import type { ExchangeMeta, ProviderDialect } from '@tokentap/shared'
import {
  type Budget,
  type BudgetsConfig,
  type BudgetWindow,
  budgetSpend,
  budgetWindow,
  formatLocal,
} from '@tokentap/shared/budgets'
import type postgres from 'postgres'
import { coalescedRunner } from '../jobs/coalesce.ts'
import type { Logger } from '../log.ts'
import type { Attribution, RequestBlocker, RequestGate } from '../mitm/context.ts'
import type { Pricer } from '../pricing/index.ts'
import {
  type BlockSnapshot,
  type BudgetReading,
  blockingBudgets,
  EMPTY_SNAPSHOT,
  snapshotOf,
} from './decide.ts'
import { createFreeModels } from './free-models.ts'
import { requestGate } from './gate.ts'

export interface BlockerDeps {
  sql: postgres.Sql
  /** The budgets in force (the alerts' watched file); null = none. */
  budgets: () => BudgetsConfig | null
  pricer: Pricer
  /** Epoch milliseconds. */
  now: () => number
  /** Period of the refresh that picks up other replicas' spend; 0 = only after flushes. */
  refreshMs: number
  log: Logger
  /** Tests: the spend reader (default: budgetSpend's billed or all spend). */
  spendOf?: (budget: Budget, window: BudgetWindow) => Promise<number>
}

export interface Blocker extends RequestBlocker {
  /** Ask for a refresh (after a flush, a budgets reload); coalesced, never throws. */
  refresh(): void
  /** Resolves when no refresh is running or queued. */
  idle(): Promise<void>
  snapshot(): BlockSnapshot
  stop(): Promise<void>
}

export function createBlocker(deps: BlockerDeps): Blocker {
  const { log } = deps
  const spendOf = deps.spendOf ?? (async (b, w) => (await budgetSpend(deps.sql, b, w)).spentUsd)
  const free = createFreeModels(deps.pricer, deps.now)
  let snapshot: BlockSnapshot = EMPTY_SNAPSHOT
  let lastError = ''

  async function read(): Promise<void> {
    const cfg = deps.budgets()
    const budgets = blockingBudgets(cfg)
    const now = new Date(deps.now())
    const readings: BudgetReading[] = []
    for (const budget of budgets) {
      const window = budgetWindow(budget.period, cfg?.timezone ?? 'UTC', now)
      readings.push({ budget, window, spentUsd: await spendOf(budget, window) })
    }
    const next = snapshotOf(cfg?.timezone ?? 'UTC', readings)
    report(snapshot, next)
    snapshot = next
    free.clear()
    lastError = ''
  }

  /** One line when a budget starts or stops blocking (per replica). */
  function report(before: BlockSnapshot, after: BlockSnapshot): void {
    const was = new Set(before.over.map((r) => r.budget.name))
    const is = new Set(after.over.map((r) => r.budget.name))
    for (const r of after.over) {
      if (was.has(r.budget.name)) continue
      log.warn(
        `budget "${r.budget.name}" is at its limit ($${r.spentUsd.toFixed(4)} of ` +
          `$${r.budget.limitUsd}): blocking new requests in its scope until ` +
          `${formatLocal(r.window.end, after.timezone)} (${after.timezone})`,
      )
    }
    for (const name of was) if (!is.has(name)) log.info(`budget "${name}" no longer blocks`)
  }

  const runner = coalescedRunner(read, (e) => {
    const text = `budgets: blocking snapshot not refreshed (the last one stays): ${(e as Error).message}`
    if (text !== lastError) log.warn(text)
    lastError = text
  })
  const refresh = runner.trigger

  const timer = deps.refreshMs > 0 ? setInterval(refresh, deps.refreshMs) : null
  timer?.unref?.()
  refresh()

  return {
    get active() {
      return snapshot.over.length > 0
    },
    gate(dialect: ProviderDialect, meta: ExchangeMeta, who: Attribution): RequestGate | null {
      return requestGate(snapshot, dialect, meta, who, deps.now(), free.isFree)
    },
    refresh,
    snapshot: () => snapshot,
    idle: runner.idle,
    async stop() {
      if (timer) clearInterval(timer)
      await runner.stop()
    },
  }
}
