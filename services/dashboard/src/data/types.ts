// The query layer's contract: what data/ offers the pages, the JSON API and the live feed. The
// figures and rows it returns are the API contract of @tokentap/shared/api.

import type { AccountLimits } from '@tokentap/shared/accounts'
import type {
  BreakdownRow,
  Bucket,
  BudgetStatus,
  Dimension,
  EventDetail,
  EventPage,
  EventRow,
  Filters,
  PricesResponse,
  SessionDetail,
  SessionRow,
  SessionSort,
  TimeseriesPoint,
  Totals,
} from '@tokentap/shared/api'

/** The query layer (data/index.ts createDataAccess(sql)); pages and the API use only this. */
export interface DataAccess {
  summary(f: Filters): Promise<Totals>
  breakdown(f: Filters, by: Dimension, limit?: number): Promise<BreakdownRow[]>
  timeseries(f: Filters, bucket: Bucket): Promise<TimeseriesPoint[]>
  events(f: Filters, page: { cursor?: string; limit: number }): Promise<EventPage>
  /** Events newer than `afterId` (UUIDv7, time-ordered) matching f, newest first (live rows). */
  eventsAfter(f: Filters, afterId: string, limit: number): Promise<EventRow[]>
  event(id: string): Promise<EventDetail | null>
  /** Distinct values per dimension seen in the range, for filter drop-downs. */
  filterOptions(f: Filters): Promise<Record<Dimension, string[]>>
  /** Every configured budget's status now; [] when TOKENTAP_BUDGETS is unset. */
  budgets(now: Date): Promise<BudgetStatus[]>
  /** Sessions with a request in f's range (user, project, program filters), whole totals. */
  sessions(f: Filters, opts: { sort: SessionSort; limit: number }): Promise<SessionRow[]>
  /** One session over all its requests, by sub-agent; null when unknown. */
  session(id: string): Promise<SessionDetail | null>
  /** Rate-limit and subscription windows per account (account_limits), worst first. */
  limits(now: Date): Promise<AccountLimits[]>
  /** The price tables behind the costs (genai-prices, TOKENTAP_PRICES, the newest priced row). */
  prices(): Promise<PricesResponse>
}
