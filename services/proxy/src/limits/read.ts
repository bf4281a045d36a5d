// One response head → its limits reading: the rate-limit headers of every family we know
// (anthropic.ts, openai.ts, codex.ts) in one pass over the head. Read after the client has its
// last byte (mitm/exchange.ts complete()). Pure.

import type { HeaderList } from '../http1/head.ts'
import { isAnthropicLimitHeader, readAnthropicLimits } from './anthropic.ts'
import { isCodexLimitHeader, readCodexLimits } from './codex.ts'
import { isOpenAiLimitHeader, readOpenAiLimits } from './openai.ts'
import { type LimitReading, mergeReadings } from './reading.ts'

/** Header fields of any limits family (lower-cased names) at most; the rest are not read. */
const MAX_FIELDS = 128

const relevant = (name: string): boolean =>
  isAnthropicLimitHeader(name) || isOpenAiLimitHeader(name) || isCodexLimitHeader(name)

/** The limits families' fields as a lower-cased map. A field sent twice with different values
 *  is ambiguous and dropped. */
export function limitFields(headers: HeaderList | Iterable<[string, string]>): Map<string, string> {
  const out = new Map<string, string>()
  const dropped = new Set<string>()
  for (const [n, v] of headers) {
    const c = n.charCodeAt(0)
    if (c !== 65 && c !== 97 && c !== 88 && c !== 120) continue // a/A/x/X: cheap pre-check
    const name = n.toLowerCase()
    if (!relevant(name) || dropped.has(name)) continue
    const prev = out.get(name)
    if (prev !== undefined && prev !== v) {
      out.delete(name)
      dropped.add(name)
    } else if (out.size < MAX_FIELDS) out.set(name, v)
  }
  return out
}

/** What a response head says about its account's windows; null when it says nothing. */
export function readLimits(
  headers: HeaderList | Iterable<[string, string]>,
  observedAt: number,
): LimitReading | null {
  const fields = limitFields(headers)
  if (fields.size === 0) return null
  let reading = readAnthropicLimits(fields, observedAt)
  reading = mergeReadings(reading, readOpenAiLimits(fields, observedAt))
  return mergeReadings(reading, readCodexLimits(fields, observedAt))
}
