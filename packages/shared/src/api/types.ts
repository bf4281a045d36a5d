// The dashboard's API contract, part 1: the figures and rows its JSON API returns and the filters
// it reads (@tokentap/dashboard answers with them, `tokentap top` reads them). Numbers are JS
// numbers (token counts fit in 2^53; cost is USD as a float rounded to 8 decimals). '' in a
// breakdown key means "none" (rendered "(none)").

import type { Budget, BudgetAlertRow, BudgetBlocked, BudgetSpend } from '../budgets/types.ts'
import type { Outcome, UsageRecord } from '../usage.ts'

export const DIMENSIONS = ['model', 'provider', 'user', 'project', 'program'] as const
export type Dimension = (typeof DIMENSIONS)[number]

/** Range presets; 'custom' uses from/to as given. Day boundaries follow `timezone`. */
export type RangePreset = 'today' | '7d' | '30d' | 'custom'

/** Filters shared by every page and API route (all from the URL query string). */
export interface Filters {
  range: RangePreset
  /** Inclusive start, exclusive end (UTC instants). */
  from: Date
  to: Date
  /** IANA zone the viewer sees times in (query `tz`, else cookie `tz`, else UTC). */
  timezone: string
  provider?: string
  model?: string
  user?: string
  project?: string
  program?: string
  /** Event log only. */
  outcome?: Outcome
  /** Event log only. */
  stream?: boolean
  /** Event log only: one session's requests (usage_events.session). */
  session?: string
}

/** An aggregate's figures: exactly the hourly rollup's measures (db/rollup.ts; the dashboard's
 *  data/sums.ts compiles only while the two agree). */
export interface Totals {
  requests: number
  errors: number
  billableRequests: number
  inputTokens: number
  outputTokens: number
  cacheReadTokens: number
  cacheWrite5mTokens: number
  cacheWrite1hTokens: number
  reasoningTokens: number
  /** Sum over priced requests only. */
  costUsd: number
  /** Billable requests with no price (unknown model): shown as "unpriced", never $0. */
  unpricedRequests: number
  /** Requests whose usage was estimated: their cost is shown as "~$". */
  estimatedRequests: number
  credits: number
  // --- Billing kind (issue 16): who paid.
  /** Billable requests a subscription covered (Claude sign-in, ChatGPT, Code Assist …). */
  subscriptionRequests: number
  /** API-equivalent value of subscription traffic: what it would have cost (part of costUsd). */
  subscriptionValueUsd: number
  /** Billed spend: costUsd − subscriptionValueUsd (API keys, cloud accounts, unknown). */
  billedCostUsd: number
  // --- Billed units (issue 14): sums over billable requests.
  /** Audio part of the input (uncached and cached): already in the input token figures. */
  audioInputTokens: number
  /** Audio part of the output: already in outputTokens. */
  audioOutputTokens: number
  /** Web searches run by server tools (billed per use). */
  webSearches: number
  /** Priced requests with a unit the price table has no price for: their cost is a lower bound. */
  partiallyPricedRequests: number
}

export interface BreakdownRow extends Totals {
  /** Value of the dimension; '' = none. */
  key: string
}

export type Bucket = 'hour' | 'day'

export interface TimeseriesPoint extends Totals {
  /** Bucket start, ISO 8601 UTC; day buckets start at midnight in Filters.timezone. */
  t: string
}

/** Fields only the event detail shows. */
type DetailField =
  | 'responseId'
  | 'requestBytes'
  | 'responseBytes'
  | 'error'
  | 'parseError'
  | 'priceVersion'
  | 'rawUsage'

/** Billed units beyond the buckets (issue 14): optional in UsageRecord (older spooled records),
 *  always in the dashboard's answers (null when none). */
type BilledField =
  | 'serviceTier'
  | 'inferenceGeo'
  | 'speed'
  | 'units'
  | 'subUsage'
  | 'audioInputTokens'
  | 'audioOutputTokens'
  | 'webSearches'
  | 'unpricedUnits'

/** One event-log row: a usage_events row as its UsageRecord (camelCase, numbers as numbers),
 *  less the detail fields. Also each `usage` event of /api/stream. */
export type EventRow = Omit<
  UsageRecord,
  DetailField | 'session' | 'agent' | 'agentType' | BilledField
> &
  Required<Pick<UsageRecord, 'session' | 'agent' | 'agentType' | BilledField>>

export interface EventPage {
  events: EventRow[]
  /** Opaque keyset cursor for the next (older) page; null on the last page. */
  nextCursor: string | null
}

/** Every column of one event, plus captured bodies when body capture stored them. */
export interface EventDetail extends EventRow, Pick<UsageRecord, DetailField> {
  recordedAt: string
  bodies: { request: string | null; response: string | null } | null
}

/** A budget from TOKENTAP_BUDGETS with its current window, spend and alert history. */
export interface BudgetStatus {
  budget: Budget
  window: { start: string; end: string }
  spend: BudgetSpend
  /** spentUsd / limitUsd. */
  ratio: number
  /** Alerts for this budget, newest first: pending (undelivered) ones and the last few sent. */
  alerts: BudgetAlertRow[]
  /** `"action": "block"` and the window's spend at or over the limit: the proxies refuse new
   *  billable requests in its scope (each from its next snapshot refresh on) until the window
   *  ends. */
  blocking: boolean
  /** The requests this budget refused in the window, by user, most first; null for a budget
   *  that only alerts. */
  blocked: BudgetBlocked | null
}
