// A WebSocket's records (one per response, at least one per socket): each usage the dialect's
// parser yields becomes a result, submitted as its response completes; the close flushes what
// the parser still holds open, and a socket that yielded nothing ends in one usage-less result,
// which carries the first error of the tap (a skipped message, a failed inflate, a broken
// frame). Pure: no sockets.

import type { ParsedUsage, WsExchangeParser, WsMessage } from '@tokentap/shared'
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
  let firstError: string | null = null

  const emit = (usage: ParsedUsage, error: string | null): void => {
    const seen = safeSeen(() => d.parser?.seenText?.(usage))
    submitted++
    d.submit({
      facts: d.tally.facts({
        endedAt: d.now(),
        status: 101,
        outcome: error ? 'failed' : 'ok',
        error,
        transport: 'websocket',
      }),
      usage,
      seen,
      bodies: null,
    })
  }

  return {
    message(message) {
      const parser = d.parser
      if (parser) for (const u of safeUsages(() => parser.onMessage(message))) emit(u, null)
    },
    note(error) {
      firstError ??= error
    },
    end(error) {
      const parser = d.parser
      if (parser) for (const u of safeUsages(() => parser.end())) emit(u, null)
      if (submitted > 0) return
      const usage: ParsedUsage = {
        provider: d.provider,
        endpoint: d.path.split('?')[0] ?? d.path,
        usageSource: 'none',
        billable: false,
        parseError: firstError,
      }
      emit(usage, error ? error.message : null)
    },
  }
}

/** A parser that throws yields nothing for that call; the socket's records go on. */
function safeUsages(f: () => ParsedUsage[]): ParsedUsage[] {
  try {
    return f()
  } catch {
    return []
  }
}
