// How an exchange ends with a value (records/result.ts): the facts its tally counted while the
// bytes crossed, and what its parser knew — read once the parser's copies are decoded, after
// the client has its last byte. The value goes to the record pipeline (ctx.records); nothing
// here knows of estimates, prices or sinks. A parser that throws costs its usage, never the
// result.

import type { ExchangeParser, ParsedUsage, SeenText } from '@tokentap/shared'
import { capturedOf } from '../capture/dialect.ts'
import type { HeaderList } from '../http1/head.ts'
import { readLimits } from '../limits/read.ts'
import type { LimitReading } from '../limits/reading.ts'
import type { Attribution, ExchangeFacts, ExchangeResult } from '../records/result.ts'
import type { ExchangeContext } from './context.ts'

/** The facts known only when the exchange (or a WebSocket response) ends. */
export type EndFacts = Pick<ExchangeFacts, 'endedAt' | 'status' | 'outcome' | 'error' | 'transport'>

type FixedFacts = Pick<ExchangeFacts, 'startedAt' | 'host' | 'method' | 'path'> & Attribution

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

/** What an exchange's idle-slice job keeps: only what its result needs, not the exchange (whose
 *  copies and buffers go as soon as the connection moves on). */
export interface ResultJob {
  provider: string
  parser: ExchangeParser
  tally: ExchangeTally
  end: EndFacts
  /** The response head's fields (rate limits, as of its arrival); null when none came. */
  headers: HeaderList | null
}

/** Off the data path: once the parser's copies are decoded, in an idle slice (after pending I/O,
 *  bounded) the parser ends and the one result goes to the pipeline; then `done`. */
export function submitWhenDecoded(
  ctx: Pick<ExchangeContext, 'bookkeeping' | 'records'>,
  decoded: Array<Promise<unknown> | undefined>,
  job: ResultJob,
  done: () => void,
): void {
  void Promise.allSettled(decoded).then(() =>
    ctx.bookkeeping.defer(() => {
      try {
        const { headers, tally, end } = job
        const limits = headers ? readLimits(headers, tally.firstByteAt ?? end.endedAt) : null
        ctx.records.submit(parserResult(job.provider, job.parser, tally, end, limits))
      } finally {
        done()
      }
    }),
  )
}
