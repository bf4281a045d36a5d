// Column builders the drizzle schema (schema.ts) shares: token counts, timestamps, rollup keys
// ('' = unknown) and the measure columns the hourly rollup and the session totals both carry.

import { bigint, numeric, text, timestamp } from 'drizzle-orm/pg-core'

export const tokens = (name: string) => bigint(name, { mode: 'number' })
export const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'string' })
const counter = (name: string) => bigint(name, { mode: 'number' }).notNull().default(0)
export const key = (name: string) => text(name).notNull().default('')

/** The measure columns, defined once: the hourly rollup and the session totals carry the same
 *  (rollup.ts defines what each counts; sessions.ts folds them per session). */
export const measureColumns = () => ({
  requests: counter('requests'),
  /** outcome <> 'ok' */
  errors: counter('errors'),
  billableRequests: counter('billable_requests'),
  inputTokens: counter('input_tokens'),
  outputTokens: counter('output_tokens'),
  cacheReadTokens: counter('cache_read_tokens'),
  cacheWrite5mTokens: counter('cache_write_5m_tokens'),
  cacheWrite1hTokens: counter('cache_write_1h_tokens'),
  reasoningTokens: counter('reasoning_tokens'),
  /** Sum over priced rows only; see unpricedRequests. */
  costUsd: numeric('cost_usd').notNull().default('0'),
  /** billable AND cost_usd IS NULL */
  unpricedRequests: counter('unpriced_requests'),
  /** usage_source = 'estimated' */
  estimatedRequests: counter('estimated_requests'),
  credits: numeric('credits').notNull().default('0'),
  // --- Billing kind (issue 16): subscription traffic apart, so billed spend = cost_usd minus
  // subscription_value_usd and the rollup key (and its row count) stays as it was.
  /** billable AND billing_kind = 'subscription' */
  subscriptionRequests: counter('subscription_requests'),
  /** API-equivalent value of subscription traffic: its priced rows' cost_usd (part of cost_usd). */
  subscriptionValueUsd: numeric('subscription_value_usd').notNull().default('0'),
  // --- Billed units (issue 14): sums over billable rows; partially priced = priced rows that
  // also carry units without a price (their cost_usd is a lower bound).
  audioInputTokens: counter('audio_input_tokens'),
  audioOutputTokens: counter('audio_output_tokens'),
  webSearches: counter('web_searches'),
  partiallyPricedRequests: counter('partially_priced_requests'),
})
