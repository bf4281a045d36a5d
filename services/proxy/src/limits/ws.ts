// Limits on a WebSocket (Codex's Responses socket): the server's `codex.rate_limits` events and
// its rate-limit errors (`{type: "error", status: 429, headers: {…}}`) as readings, merged
// until the socket's next record takes them (mitm/ws-records.ts). Only server text messages
// that name one of those types are parsed. Pure.

import type { WsMessage } from '@tokentap/shared'
import { readCodexRateLimitEvent } from './codex.ts'
import { readLimits } from './read.ts'
import { type LimitReading, mergeReadings } from './reading.ts'

/** Larger messages are not read for limits (these events are a few hundred bytes). */
const MAX_EVENT_BYTES = 64 << 10

export interface WsLimitTap {
  /** A whole message, in arrival order; `now` = epoch ms. */
  message(m: WsMessage, now: number): void
  /** The readings merged since the last take, or null. */
  take(): LimitReading | null
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The reading one event carries, or null. Pure. */
export function readWsEvent(text: string, now: number): LimitReading | null {
  if (!text.includes('codex.rate_limits') && !text.includes('"error"')) return null
  let event: unknown
  try {
    event = JSON.parse(text)
  } catch {
    return null
  }
  if (!isObject(event)) return null
  if (event.type === 'codex.rate_limits') return readCodexRateLimitEvent(event, now)
  if (event.type !== 'error' || event.status !== 429) return null
  const pairs: [string, string][] = []
  if (isObject(event.headers)) {
    for (const [k, v] of Object.entries(event.headers)) {
      if (typeof v === 'string' || typeof v === 'number') pairs.push([k, String(v)])
    }
  }
  const reading = readLimits(pairs, now)
  return { observedAt: now, windows: reading?.windows ?? {}, status: null, rateLimited: 1 }
}

/** `initial`: what the upgrade's 101 head said, taken with the socket's first result. */
export function createWsLimitTap(initial: LimitReading | null = null): WsLimitTap {
  const decoder = new TextDecoder()
  let pending: LimitReading | null = initial
  return {
    message(m, now) {
      if (m.direction !== 'server' || m.opcode !== 1 || m.data.length > MAX_EVENT_BYTES) return
      pending = mergeReadings(pending, readWsEvent(decoder.decode(m.data), now))
    },
    take() {
      const out = pending
      pending = null
      return out
    },
  }
}
