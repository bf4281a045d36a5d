// Hard budgets (`"action": "block"`): the message a refused request carries, and who was refused.
// The proxy answers a blocked request with blockedMessage() and records it (outcome `blocked`,
// the message as its `error`); the dashboard counts a budget's refusals by that message's prefix,
// so both read the one format defined here. budgetBlocked is SELECT only (the dashboard's
// read-only connection).

import type postgres from 'postgres'
import { formatUsd } from '../api/format.ts'
import { formatLocal } from '../time/format.ts'
import { describeScope } from './config.ts'
import { BUDGET_SCOPE_KEYS, type Budget, type BudgetBlocked, type BudgetWindow } from './types.ts'

type Sql = postgres.Sql

/** Does `budget` block at this window spend? `"action": "block"` and at or over its limit. The
 *  proxy's snapshot and the dashboard both ask this, over the same budgetSpend figure. */
export function blocksAt(budget: Pick<Budget, 'action' | 'limitUsd'>, spentUsd: number): boolean {
  return budget.action === 'block' && spentUsd >= budget.limitUsd
}

/** How every refusal by `budgetName` starts (the record's `error` too). */
export function blockedErrorPrefix(budgetName: string): string {
  return `tokentap: budget ${JSON.stringify(budgetName)} `
}

export interface BlockedFacts {
  budget: Pick<Budget, 'name' | 'period' | 'limitUsd' | 'scope' | 'counts'>
  spentUsd: number
  /** When the budget's window ends: requests pass again from then. */
  resetsAt: Date
  timezone: string
}

/** The text a blocked client shows its user: the budget, its spend, its limit, when it resets. */
export function blockedMessage(f: BlockedFacts): string {
  const { budget } = f
  const counts = budget.counts === 'all' ? 'billed + subscription value' : 'billed spend'
  return (
    `${blockedErrorPrefix(budget.name)}is used up: ${formatUsd(f.spentUsd)} spent of its ` +
    `${formatUsd(budget.limitUsd)} limit per ${budget.period} (${describeScope(budget.scope)}, ` +
    `${counts}). tokentap blocks new requests in its scope until it resets on ` +
    `${formatLocal(f.resetsAt, f.timezone)} (${f.timezone}).`
  )
}

/** LIKE pattern: `text` literally, then anything. */
const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The requests `budget` refused inside `window`, by user: blocked records in its scope whose
 *  error names it. */
export async function budgetBlocked(
  sql: Sql,
  budget: Pick<Budget, 'name' | 'scope'>,
  window: BudgetWindow,
  limit = 20,
): Promise<BudgetBlocked> {
  const scope = BUDGET_SCOPE_KEYS.filter((k) => budget.scope[k] !== undefined).map(
    (k) => sql`and ${sql(k)} = ${budget.scope[k] as string}`,
  )
  const rows = await sql<{ user: string | null; requests: number; last_ms: string }[]>`
    select "user", count(*)::int as requests,
      (extract(epoch from max(started_at)) * 1000)::bigint::text as last_ms
    from usage_events
    where started_at >= ${window.start.toISOString()}::timestamptz
      and started_at < ${window.end.toISOString()}::timestamptz
      and outcome = 'blocked'
      and error like ${likePrefix(blockedErrorPrefix(budget.name))}
      ${scope.reduce((a, p) => sql`${a} ${p}`, sql``)}
    group by "user"
    order by requests desc, "user" nulls last`
  return {
    requests: rows.reduce((n, r) => n + r.requests, 0),
    users: rows.slice(0, limit).map((r) => ({
      user: r.user,
      requests: r.requests,
      lastAt: new Date(Number(r.last_ms)).toISOString(),
    })),
  }
}
