// Fixed dashboard API data for the top renderer and the fake dashboard in tests.

import { emptyBilling, unitColumns } from '@tokentap/shared'
import type { AccountLimits } from '@tokentap/shared/accounts'
import type { BreakdownRow, EventRow, Totals } from '@tokentap/shared/api'
import { zeroTotals } from '@tokentap/testing'

export const ZERO: Totals = zeroTotals()
export const SUMMARY: Totals = {
  ...ZERO,
  requests: 12,
  errors: 1,
  billableRequests: 11,
  inputTokens: 120_000,
  outputTokens: 4_500,
  cacheReadTokens: 30_000,
  costUsd: 1.2345,
  subscriptionRequests: 4,
  subscriptionValueUsd: 0.5,
  billedCostUsd: 0.7345,
}
export const BY_MODEL: BreakdownRow[] = [
  {
    ...SUMMARY,
    key: 'claude-sonnet-4-5',
    requests: 10,
    costUsd: 1.2,
    billedCostUsd: 1,
    subscriptionValueUsd: 0.2,
  },
  { ...ZERO, key: 'gpt-5', requests: 2, billableRequests: 2, unpricedRequests: 2 },
]
export const BY_PROGRAM: BreakdownRow[] = [
  { ...SUMMARY, key: 'claude-cli' },
  { ...ZERO, key: '', requests: 1 },
]
export function event(id: string, over: Partial<EventRow> = {}): EventRow {
  return {
    id,
    startedAt: '2026-11-23T09:15:02.000Z',
    durationMs: 1234,
    ttfbMs: 200,
    provider: 'anthropic',
    host: 'api.anthropic.com',
    method: 'POST',
    path: '/v1/messages',
    endpoint: 'messages',
    model: 'claude-sonnet-4-5',
    stream: true,
    session: null,
    agent: null,
    agentType: null,
    transport: 'http',
    status: 200,
    outcome: 'ok' as EventRow['outcome'],
    usageSource: 'provider',
    billable: true,
    user: 'alice',
    project: null,
    program: 'claude-cli',
    inputTokens: 1200,
    outputTokens: 56,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: null,
    credits: null,
    costUsd: 0.0123,
    priceSource: 'genai-prices',
    ...emptyBilling(),
    ...unitColumns(null),
    unpricedUnits: null,
    ...over,
  }
}

/** Two accounts as /api/limits sends them (worst first), as of 2026-11-23T09:16:00Z. */
export const LIMITS: AccountLimits[] = [
  {
    account: 'feedc0de0000000000aa',
    provider: 'anthropic',
    billingKind: 'subscription',
    lastUser: 'alice',
    firstSeenAt: '2026-11-22T09:00:00.000Z',
    lastSeenAt: '2026-11-23T09:15:00.000Z',
    status: 'allowed_warning',
    observedAt: '2026-11-23T09:15:00.000Z',
    count429: 0,
    last429At: null,
    limitedSince: null,
    windows: {
      'unified-7d': {
        used: 0.41,
        limit: null,
        remaining: null,
        resetAt: '2026-11-26T08:00:00.000Z',
        minutes: 10080,
        status: 'allowed',
        unit: 'usage',
        observedAt: '2026-11-23T09:15:00.000Z',
      },
      'unified-5h': {
        used: 0.97,
        limit: null,
        remaining: null,
        resetAt: '2026-11-23T12:00:00.000Z',
        minutes: 300,
        status: 'allowed_warning',
        unit: 'usage',
        observedAt: '2026-11-23T09:15:00.000Z',
      },
    },
  },
  {
    account: 'aaaa0000bbbb1111cccc',
    provider: 'openai',
    billingKind: 'api_key',
    lastUser: 'bob',
    firstSeenAt: '2026-11-23T08:00:00.000Z',
    lastSeenAt: '2026-11-23T09:14:00.000Z',
    status: null,
    observedAt: '2026-11-23T09:14:00.000Z',
    count429: 3,
    last429At: '2026-11-23T07:00:00.000Z',
    limitedSince: '2026-11-23T06:59:00.000Z',
    windows: {
      requests: {
        used: 0.1,
        limit: 500,
        remaining: 450,
        resetAt: '2026-11-23T09:14:01.000Z', // reset since: not shown
        minutes: null,
        status: null,
        unit: 'requests',
        observedAt: '2026-11-23T09:14:00.000Z',
      },
      tokens: {
        used: 0.25,
        limit: 40000,
        remaining: 30000,
        resetAt: '2026-11-23T09:16:30.000Z',
        minutes: null,
        status: null,
        unit: 'tokens',
        observedAt: '2026-11-23T09:14:00.000Z',
      },
    },
  },
]
