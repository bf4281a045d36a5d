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

// --- Price tables (issue 14): what the costs are priced with.

/** The TOKENTAP_PRICES file as the dashboard finds it (the proxy reads it at start). */
export interface PriceFileInfo {
  /** The file's name (not its directory). */
  file: string
  /** Last modification, ISO; null when the file cannot be read. */
  modifiedAt: string | null
  /** `overrides:<hash>`: the price_version of costs priced from this content; null when unread. */
  version: string | null
  /** Why the file could not be read; null when it was. */
  error: string | null
}

/** GET /api/prices: the bundled genai-prices table, TOKENTAP_PRICES, and the newest priced
 *  request's table (what the proxy prices with now; it differs after an edit the proxy has not
 *  read yet, or from a proxy of another version). */
export interface PricesResponse {
  /** `genai-prices@x.y.z` (the package carries no data date: its version names the table). */
  genaiPrices: string
  /** null when TOKENTAP_PRICES is not set for the dashboard. */
  overrides: PriceFileInfo | null
  lastPriced: { priceVersion: string; priceSource: string | null; startedAt: string } | null
}
