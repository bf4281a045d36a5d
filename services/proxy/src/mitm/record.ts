// Builds the UsageRecord for a finished exchange from what the proxy saw and what the parser knew.

import {
  emptyBuckets,
  type Outcome,
  type ParsedUsage,
  type Transport,
  type UsageRecord,
} from '@tokentap/shared'

export interface ExchangeFacts {
  id: string
  startedAt: number
  endedAt: number
  firstByteAt: number | null
  host: string
  method: string
  path: string
  transport: Transport
  status: number | null
  outcome: Outcome
  user: string | null
  project: string | null
  program: string | null
  requestBytes: number
  responseBytes: number
  error: string | null
}

export function buildRecord(facts: ExchangeFacts, usage: ParsedUsage): UsageRecord {
  const b = emptyBuckets()
  return {
    id: facts.id,
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: Math.max(0, facts.endedAt - facts.startedAt),
    ttfbMs: facts.firstByteAt === null ? null : Math.max(0, facts.firstByteAt - facts.startedAt),
    provider: usage.provider,
    host: facts.host,
    method: facts.method,
    path: facts.path,
    endpoint: usage.endpoint ?? null,
    model: usage.model ?? null,
    stream: usage.stream ?? false,
    transport: facts.transport,
    status: facts.status,
    outcome: facts.outcome,
    inputTokens: usage.inputTokens ?? b.inputTokens,
    outputTokens: usage.outputTokens ?? b.outputTokens,
    cacheReadTokens: usage.cacheReadTokens ?? b.cacheReadTokens,
    cacheWrite5mTokens: usage.cacheWrite5mTokens ?? b.cacheWrite5mTokens,
    cacheWrite1hTokens: usage.cacheWrite1hTokens ?? b.cacheWrite1hTokens,
    reasoningTokens: usage.reasoningTokens ?? b.reasoningTokens,
    usageSource: usage.usageSource,
    billable: usage.billable,
    responseId: usage.responseId ?? null,
    user: facts.user,
    project: facts.project,
    program: facts.program,
    requestBytes: facts.requestBytes,
    responseBytes: facts.responseBytes,
    error: facts.error,
    parseError: usage.parseError ?? null,
    rawUsage: usage.rawUsage ?? null,
    credits: usage.credits ?? null,
    costUsd: null,
    priceSource: null,
    priceVersion: null,
  }
}

/** A parser's end() must never take the record down with it. */
export function safeEnd(provider: string, end: () => ParsedUsage): ParsedUsage {
  try {
    return end()
  } catch (e) {
    return {
      provider,
      usageSource: 'none',
      billable: false,
      parseError: `parser threw: ${(e as Error).message}`,
    }
  }
}
