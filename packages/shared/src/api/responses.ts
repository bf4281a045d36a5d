// The dashboard's API contract, part 2: the JSON body of each /api route. The dashboard's
// routes are checked against them (`satisfies`); `tokentap top` and `tokentap status` read them
// (tolerantly: a field added later must not break an older CLI).

import type { AccountLimits } from '../accounts/types.ts'
import type {
  BreakdownRow,
  Bucket,
  BudgetStatus,
  Dimension,
  EventPage,
  Filters,
  TimeseriesPoint,
  Totals,
} from './types.ts'

/** Filters as the responses echo them: instants as ISO strings. */
export type FiltersJson = Omit<Filters, 'from' | 'to'> & { from: string; to: string }

/** GET /api/health (public): 200 ok, or 503 degraded naming why the database is unreachable. */
export interface HealthResponse {
  status: 'ok' | 'degraded'
  database: string
}

/** GET /api/summary */
export interface SummaryResponse {
  filters: FiltersJson
  totals: Totals
}

/** GET /api/breakdown?by= */
export interface BreakdownResponse {
  filters: FiltersJson
  by: Dimension
  rows: BreakdownRow[]
}

/** GET /api/timeseries?bucket= */
export interface TimeseriesResponse {
  filters: FiltersJson
  bucket: Bucket
  points: TimeseriesPoint[]
}

/** GET /api/filter-options */
export interface FilterOptionsResponse {
  filters: FiltersJson
  options: Record<Dimension, string[]>
}

/** GET /api/events (newest first; `cursor` pages on). GET /api/events/:id is an EventDetail. */
export interface EventsResponse extends EventPage {
  filters: FiltersJson
}

/** GET /api/budgets */
export interface BudgetsResponse {
  budgets: BudgetStatus[]
}

/** GET /api/limits: every account seen in the last 8 days, at a limit first, then near one. */
export interface LimitsResponse {
  /** When the answer was made (ISO): resets before it have happened. */
  now: string
  accounts: AccountLimits[]
}
