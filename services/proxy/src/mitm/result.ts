// How an exchange ends with a value (records/result.ts): the facts its tally counted while the
// bytes crossed, and what its parser knew — read once the parser's copies are decoded, after
// the client has its last byte. The value goes to the record pipeline (ctx.records); nothing
// here knows of estimates, prices or sinks. A parser that throws costs its usage, never the
// result.

import type { ExchangeParser, ParsedUsage, SeenText } from '@tokentap/shared'
import { capturedOf } from '../capture/dialect.ts'
import type { LimitReading } from '../limits/reading.ts'
import type { ExchangeFacts, ExchangeResult } from '../records/result.ts'

/** The facts known only when the exchange (or a WebSocket response) ends. */
export type EndFacts = Pick<ExchangeFacts, 'endedAt' | 'status' | 'outcome' | 'error' | 'transport'>

type FixedFacts = Pick<
  ExchangeFacts,
  | 'startedAt'
  | 'host'
  | 'method'
  | 'path'
  | 'user'
  | 'project'
  | 'session'
  | 'agent'
  | 'agentType'
  | 'program'
  | 'billingKind'
  | 'account'
>

/** What an exchange counts for its result(s): set at the start, then timing and bytes. */
export class ExchangeTally {
  firstByteAt: number | null = null
  requestBytes = 0
  responseBytes = 0

  constructor(private readonly fixed: FixedFacts) {}

  facts(end: EndFacts): ExchangeFacts {
    return {
      ...this.fixed,
      ...end,
      firstByteAt: this.firstByteAt,
      requestBytes: this.requestBytes,
      responseBytes: this.responseBytes,
    }
  }
}

/** The parser's result, read once its copies are decoded (a copy that failed to decode still
 *  ends in a result). */
export function parserResult(
  provider: string,
  parser: ExchangeParser,
  tally: ExchangeTally,
  end: EndFacts,
  limits: LimitReading | null = null,
): ExchangeResult {
  return {
    facts: tally.facts(end),
    usage: safeEnd(provider, () => parser.end()),
    seen: safeSeen(() => parser.seenText?.()),
    bodies: capturedOf(parser),
    limits,
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

/** The parser's text for an estimate; a fault means no estimate, never a lost record. */
export function safeSeen(seen: () => SeenText | null | undefined): SeenText | null {
  try {
    return seen() ?? null
  } catch {
    return null
  }
}
