// Fixed dashboard API data for the top renderer and the fake dashboard in tests.

import type { BreakdownRow, EventRow, Totals } from '@tokentap/shared/api'

export const ZERO: Totals = {
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
}
export const SUMMARY: Totals = {
  ...ZERO,
  requests: 12,
  errors: 1,
  billableRequests: 11,
  inputTokens: 120_000,
  outputTokens: 4_500,
  cacheReadTokens: 30_000,
  costUsd: 1.2345,
}
export const BY_MODEL: BreakdownRow[] = [
  { ...SUMMARY, key: 'claude-sonnet-4-5', requests: 10, costUsd: 1.2 },
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
    ...over,
  }
}
