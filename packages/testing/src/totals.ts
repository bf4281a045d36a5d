// An aggregate with every figure at zero: what API fixtures spread their own figures over.

import type { Totals } from '@tokentap/shared/api'

export const zeroTotals = (): Totals => ({
  requests: 0,
  errors: 0,
  billableRequests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWrite5mTokens: 0,
  cacheWrite1hTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
  estimatedRequests: 0,
  credits: 0,
  subscriptionRequests: 0,
  subscriptionValueUsd: 0,
  billedCostUsd: 0,
  audioInputTokens: 0,
  audioOutputTokens: 0,
  webSearches: 0,
  partiallyPricedRequests: 0,
})
