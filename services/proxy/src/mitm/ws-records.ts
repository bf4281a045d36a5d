// A WebSocket's records (one per response, at least one per socket): each usage the dialect's
// parser yields becomes a result, submitted as its response completes; the close flushes what
// the parser still holds open, and a socket that yielded nothing ends in one usage-less result.
// A message the tap could not read (over the bound, e.g. a permessage-deflate bomb; a failed
// inflate; a broken frame) leaves a note for the next result out of this socket: the response
// it belonged to is then still open, so its result normally comes after. A note no later result
// can carry gets the close's usage-less result of its own. Pure: no sockets.

import type { ParsedUsage, WsExchangeParser, WsMessage } from '@tokentap/shared'
import type { LimitReading } from '../limits/reading.ts'
import type { ExchangeResult } from '../records/result.ts'
import { type ExchangeTally, safeSeen } from './result.ts'

export interface WsRecorderDeps {
  provider: string
  /** The upgrade request's path (its endpoint names the usage-less result). */
  path: string
  /** null: the dialect reads no WebSocket (the socket still yields its one result). */
  parser: WsExchangeParser | null
  tally: ExchangeTally
  now(): number
  submit(result: ExchangeResult): void
  /** Limits read on the socket since the last result (limits/ws.ts); they ride on the next. */
  limits?(): LimitReading | null
}

export interface WsRecorder {
  /** A whole message from the tap, in arrival order. */
  message(message: WsMessage): void
  /** The tap skipped a message or stopped reading a direction. */
  note(error: string): void
  /** The socket closed and the tap delivered its last message. */
  end(error: Error | null): void
}

export function createWsRecorder(d: WsRecorderDeps): WsRecorder {
  let submitted = 0
  let note: string | null = null
  let moreNotes = 0

  const takeNote = (): string | null => {
    const n = note === null || moreNotes === 0 ? note : `${note} (and ${moreNotes} more)`
    note = null
    moreNotes = 0
    return n
  }

  const emit = (usage: ParsedUsage, error: string | null): void => {
    // The parser knows its usages by identity: read their text before any copy is made.
    const seen = safeSeen(() => d.parser?.seenText?.(usage))
    const n = takeNote()
    submitted++
    d.submit({
      facts: d.tally.facts({
        endedAt: d.now(),
        status: 101,
        outcome: error ? 'failed' : 'ok',
        error,
        transport: 'websocket',
      }),
      usage: n === null ? usage : { ...usage, parseError: joinNotes(usage.parseError, n) },
      seen,
      bodies: null,
      limits: d.limits?.() ?? null,
    })
  }

  return {
    message(message) {
      const parser = d.parser
      if (parser) for (const u of safeUsages(() => parser.onMessage(message))) emit(u, null)
    },
    note(error) {
      if (note === null) note = error
      else moreNotes++
    },
    end(error) {
      const parser = d.parser
      if (parser) for (const u of safeUsages(() => parser.end())) emit(u, null)
      if (submitted > 0 && note === null) return
      const usage: ParsedUsage = {
        provider: d.provider,
        endpoint: d.path.split('?')[0] ?? d.path,
        usageSource: 'none',
        billable: false,
        parseError: null,
      }
      emit(usage, error ? error.message : null)
    },
  }
}

const joinNotes = (first: string | null | undefined, second: string): string =>
  first ? `${first}; ${second}` : second

/** A parser that throws yields nothing for that call; the socket's records go on. */
function safeUsages(f: () => ParsedUsage[]): ParsedUsage[] {
  try {
    return f()
  } catch {
    return []
  }
}
