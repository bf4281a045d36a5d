// createDataAccess: the dashboard's query layer (DataAccess in types.ts) over a postgres.js pool.
// Pages and the JSON API use only this; live/ adds the NOTIFY-range queries from events.ts.

import { readAccountLimits } from '@tokentap/shared/accounts'
import type { BudgetsConfig } from '@tokentap/shared/budgets'
import type { Sql } from '@tokentap/shared/db'
import { type AggregateContext, breakdown, summary, timeseries } from './aggregate.ts'
import { budgetStatuses } from './budgets.ts'
import type { AggregateCache } from './cache.ts'
import { eventDetail, events, eventsAfter } from './events.ts'
import { filterOptions } from './options.ts'
import { priceFileReader, priceTables } from './prices.ts'
import { sessionDetail, sessions } from './sessions.ts'
import type { DataAccess } from './types.ts'

export interface DataAccessOptions {
  /** The current budgets config (reloaded by the caller); absent or null = no budgets. */
  budgets?: () => BudgetsConfig | null
  /** Cache for closed hours' rollup sums (kept true by the live feed, see cache.ts). */
  cache?: AggregateCache | null
  /** Clock for the cache's closed-hours boundary (default: the system clock). */
  now?: () => Date
  /** TOKENTAP_PRICES as the dashboard sees it (shown, never parsed); absent or null = unset. */
  pricesFile?: string | null
}

export function createDataAccess(sql: Sql, opts: DataAccessOptions = {}): DataAccess {
  const ctx: AggregateContext = {
    sql,
    cache: opts.cache ?? null,
    now: opts.now ?? (() => new Date()),
  }
  const priceFile = priceFileReader(opts.pricesFile ?? null)
  return {
    summary: (f) => summary(ctx, f),
    breakdown: (f, by, limit) => breakdown(ctx, f, by, limit),
    timeseries: (f, bucket) => timeseries(ctx, f, bucket),
    events: (f, page) => events(sql, f, page),
    eventsAfter: (f, afterId, limit) => eventsAfter(sql, f, afterId, limit),
    event: (id) => eventDetail(sql, id),
    filterOptions: (f) => filterOptions(ctx, f),
    budgets: (now) => budgetStatuses(sql, opts.budgets?.() ?? null, now),
    sessions: (f, o) => sessions(sql, f, o),
    session: (id) => sessionDetail(sql, id),
    limits: (now) => readAccountLimits(sql, now),
    prices: () => priceTables(sql, priceFile),
  }
}

export { FilterError, filtersToQuery, NONE, parseFilters } from './filters.ts'
