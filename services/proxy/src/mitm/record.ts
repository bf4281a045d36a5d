// Builds the UsageRecord for a finished exchange from what the proxy saw and what the parser knew.

import {
  type ExchangeParser,
  emptyBuckets,
  type Outcome,
  type ParsedUsage,
  redact,
  redactPath,
  type SeenText,
  type Transport,
  type UsageRecord,
} from '@tokentap/shared'
import { attachBodies, type CapturedBodies } from '../capture/bodies.ts'
import { capturedOf } from '../capture/dialect.ts'
import type { ExchangeContext } from './context.ts'

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
  session: string | null
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
    program: facts.program,
    requestBytes: facts.requestBytes,
    responseBytes: facts.responseBytes,
    error: facts.error === null ? null : redact(facts.error),
    parseError: usage.parseError == null ? null : redact(usage.parseError),
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

type EndFacts = Pick<ExchangeFacts, 'endedAt' | 'status' | 'outcome' | 'error' | 'transport'>

/** The parser's text for an estimate; a fault means no estimate, never a lost record. */
export function safeSeen(seen: () => SeenText | null | undefined): SeenText | null {
  try {
    return seen() ?? null
  } catch {
    return null
  }
}

/** What an exchange accumulates for its record(s); `emit` sends one record to the sink (after
 *  its token estimate, when it needs one: see estimate/records.ts). */
export class ExchangeLedger {
  firstByteAt: number | null = null
  requestBytes = 0
  responseBytes = 0

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly fixed: Pick<
      ExchangeFacts,
      'startedAt' | 'host' | 'method' | 'path' | 'user' | 'project' | 'session' | 'program'
    >,
  ) {}

  /** Waits for the parser's copies to be decoded, then emits what the parser knows. */
  async emitAfter(
    pending: (Promise<unknown> | undefined)[],
    provider: string,
    parser: ExchangeParser,
    end: EndFacts,
  ): Promise<void> {
    await Promise.all(pending)
    const usage = safeEnd(provider, () => parser.end())
    await this.emit(
      usage,
      end,
      safeSeen(() => parser.seenText?.()),
      capturedOf(parser),
    )
  }

  /** Emits one record; the promise (when any) settles once a waiting estimate let it out. */
  emit(
    usage: ParsedUsage,
    end: EndFacts,
    seen: SeenText | null = null,
    bodies: CapturedBodies | null = null,
  ): Promise<void> | null {
    const estimates = this.ctx.estimates
    if (!estimates) {
      this.write(usage, end, bodies)
      return null
    }
    return estimates.emit(usage, seen, end, (u) => this.write(u, end, bodies))
  }

  private write(usage: ParsedUsage, end: EndFacts, bodies: CapturedBodies | null): void {
    const record = buildRecord(
      {
        ...this.fixed,
        ...end,
        id: this.ctx.newId(),
        firstByteAt: this.firstByteAt,
        requestBytes: this.requestBytes,
        responseBytes: this.responseBytes,
      },
      usage,
    )
    Object.assign(record, this.ctx.pricer.price(record))
    attachBodies(record, bodies)
    this.ctx.metrics.exchange(record.provider, record.outcome)
    this.ctx.sink.write(record)
  }
}
