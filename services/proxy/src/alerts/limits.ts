// The limit alerts (issue 16), run after each committed flush like the budget evaluator
// (coalesced: one evaluation running, at most one queued), never on the request path:
//   - a subscription window (account_limits) reached LIMIT_ALERT_THRESHOLDS → one message per
//     window instance and threshold (only the highest when several were reached together);
//   - an account started getting rate-limited (a fresh run of 429s, limited_since) → one message
//     per run;
//   - a user who worked on a subscription started sending API-key-billed traffic → one message
//     per switch (billing-switch.ts).
// Claims go through alerts_sent like budget thresholds, so replicas and restarts send each once;
// delivery and retries are the budget evaluator's (deliver, retryPending with resolve()).

import {
  ACCOUNT_COLUMNS,
  type AccountLimits,
  type AccountRow,
  toAccountLimits,
} from '@tokentap/shared/accounts'
import type postgres from 'postgres'
import { coalescedRunner } from '../jobs/coalesce.ts'
import type { Logger } from '../log.ts'
import type { FlushInfo } from '../sink/postgres-types.ts'
import { type BillingSwitch, createBillingSwitch } from './billing-switch.ts'
import type { DeliveryJob, ResolvePending } from './evaluator.ts'
import {
  freshRateLimitRun,
  parseLimitKey,
  parseRateLimitedKey,
  RATE_LIMITED_FRESH_MS,
  rateLimitedKey,
  windowCrossings,
} from './limit-decide.ts'
import { limitWindowMessage, rateLimitedMessage } from './limit-message.ts'
import { claimThresholds } from './store.ts'

export interface LimitAlertsDeps {
  sql: postgres.Sql
  /** The budget evaluator's background delivery. */
  deliver(job: DeliveryJob): void
  /** SLACK_WEBHOOK_URL. */
  url: string
  /** LIMIT_ALERT_THRESHOLDS as fractions; [] = no window alerts (429 and switch alerts stay). */
  thresholds: readonly number[]
  dashboardUrl: string | undefined
  /** Zone of the times in messages (the budgets' zone, else UTC). */
  timezone(): string
  now(): Date
  log: Logger
}

export interface LimitAlerts {
  /** After a committed flush; coalesced, never throws. */
  trigger(info?: FlushInfo): void
  /** One evaluation now. */
  evaluate(): Promise<void>
  /** Rebuilds a pending limit row for the retry pass, or null when it is not one of ours. */
  resolve: ResolvePending
  idle(): Promise<void>
  stop(): Promise<void>
}

/** Accounts whose row changed within this long are evaluated after a flush. */
const RECENT = "interval '10 minutes'"

async function recentAccounts(sql: postgres.Sql): Promise<AccountLimits[]> {
  const rows = await sql.unsafe<AccountRow[]>(
    `select ${ACCOUNT_COLUMNS} from account_limits where updated_at >= now() - ${RECENT}
    order by account limit 1000`,
  )
  return rows.map(toAccountLimits)
}

async function accountOf(sql: postgres.Sql, account: string): Promise<AccountLimits | null> {
  const rows = await sql.unsafe<AccountRow[]>(
    `select ${ACCOUNT_COLUMNS} from account_limits where account = $1`,
    [account],
  )
  return rows[0] ? toAccountLimits(rows[0]) : null
}

export function createLimitAlerts(deps: LimitAlertsDeps): LimitAlerts {
  const { sql, log } = deps
  /** Claims this replica made: key → highest threshold claimed (no second insert needed). */
  const claimed = new Map<string, number>()
  const billing: BillingSwitch = createBillingSwitch(deps)
  let lastError = ''

  function windowJob(id: string, account: string, window: string, threshold: number): DeliveryJob {
    return {
      id,
      label: `limit ${account.slice(0, 8)} ${window} ${Math.round(threshold * 100)} %`,
      url: deps.url,
      build: async () => {
        const a = await accountOf(sql, account)
        const w = a?.windows[window]
        if (!a || !w) throw new Error(`account ${account.slice(0, 8)} no longer has ${window}`)
        return limitWindowMessage({
          account: a,
          name: window,
          window: w,
          threshold,
          timezone: deps.timezone(),
          now: deps.now(),
          dashboardUrl: deps.dashboardUrl,
        })
      },
    }
  }

  function rateLimitedJob(id: string, account: string, since: Date): DeliveryJob {
    return {
      id,
      label: `rate limited ${account.slice(0, 8)}`,
      url: deps.url,
      build: async () => {
        const a = await accountOf(sql, account)
        if (!a) throw new Error(`account ${account.slice(0, 8)} is gone`)
        return rateLimitedMessage({
          account: a,
          since,
          timezone: deps.timezone(),
          now: deps.now(),
          dashboardUrl: deps.dashboardUrl,
        })
      },
    }
  }

  async function claim(budget: string, start: Date, crossed: number[]) {
    const key = `${budget}|${start.getTime()}`
    const top = Math.max(...crossed)
    if ((claimed.get(key) ?? -1) >= top) return []
    const rows = await claimThresholds(sql, budget, start, crossed)
    if (claimed.size > 10_000) claimed.clear()
    claimed.set(key, top)
    return rows
  }

  async function evaluate(): Promise<void> {
    if (runner.stopped) return
    const now = deps.now()
    for (const a of await recentAccounts(sql)) {
      for (const c of windowCrossings(a, deps.thresholds, now)) {
        for (const row of await claim(c.budget, c.windowStart, c.crossed)) {
          deps.deliver(windowJob(row.id, a.account, c.name, row.threshold))
        }
      }
      const since = freshRateLimitRun(a, now)
      if (since !== null) {
        for (const row of await claim(rateLimitedKey(a.account), since, [0])) {
          deps.deliver(rateLimitedJob(row.id, a.account, since))
        }
      }
    }
    await billing.evaluate()
  }

  const runner = coalescedRunner(evaluate, (e) => {
    const text = `alerts: limit evaluation failed: ${(e as Error).message}`
    if (text !== lastError) log.warn(text)
    lastError = text
  })

  return {
    trigger(info) {
      if (runner.stopped) return
      if (info) billing.add(info)
      runner.trigger()
    },
    evaluate,
    resolve(row) {
      const key = parseLimitKey(row.budget)
      if (key) {
        // Due until the window resets (its key is the reset time).
        return {
          window: { start: row.windowStart, end: row.windowStart },
          job: windowJob(row.id, key.account, key.window, row.threshold),
        }
      }
      const account = parseRateLimitedKey(row.budget)
      if (account) {
        return {
          window: {
            start: row.windowStart,
            end: new Date(row.windowStart.getTime() + RATE_LIMITED_FRESH_MS),
          },
          job: rateLimitedJob(row.id, account, row.windowStart),
        }
      }
      return billing.resolve(row)
    },
    idle: runner.idle,
    stop: runner.stop,
  }
}
