// An exchange's result → its UsageRecord: the proxy's facts and the parser's usage in the
// record's shape, secrets redacted (path query parameters, error texts). Pure.

import {
  emptyBuckets,
  type ParsedUsage,
  redact,
  redactPath,
  type UsageRecord,
  unitColumns,
} from '@tokentap/shared'
import type { ExchangeFacts } from './result.ts'

/** The record, unpriced (cost, price source and version null; unpricedUnits set by pricing). */
export function buildRecord(id: string, facts: ExchangeFacts, usage: ParsedUsage): UsageRecord {
  const b = emptyBuckets()
  return {
    id,
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: Math.max(0, facts.endedAt - facts.startedAt),
    ttfbMs: facts.firstByteAt === null ? null : Math.max(0, facts.firstByteAt - facts.startedAt),
    provider: usage.provider,
    host: facts.host,
    method: facts.method,
    // Secret query parameters (Gemini's ?key=…, signed URLs) never reach a record.
    path: redactPath(facts.path),
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
    session: facts.session,
    agent: facts.agent,
    agentType: facts.agentType,
    program: facts.program,
    billingKind: facts.billingKind,
    account: facts.account,
    requestBytes: facts.requestBytes,
    responseBytes: facts.responseBytes,
    error: facts.error === null ? null : redact(facts.error),
    parseError: usage.parseError == null ? null : redact(usage.parseError),
    rawUsage: usage.rawUsage ?? null,
    credits: usage.credits ?? null,
    costUsd: null,
    priceSource: null,
    priceVersion: null,
    serviceTier: usage.serviceTier ?? null,
    inferenceGeo: usage.inferenceGeo ?? null,
    speed: usage.speed ?? null,
    units: usage.units ?? null,
    subUsage: usage.subUsage ?? null,
    ...unitColumns(usage.units),
    unpricedUnits: null,
  }
}
