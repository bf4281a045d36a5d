// Which records get a token estimate, and how one is applied. Pure.
// Estimated: billable exchanges of a known dialect with no provider usage (usageSource "none")
// that the provider most likely billed — output was seen (aborted mid-stream, include_usage off,
// a body without usage), or a 2xx response came, or the client gave up after sending its request
// (providers bill work already started). Not estimated: non-billable endpoints (count tokens,
// unknown paths, warm-ups), provider usage, errors and failures with no output, and parsers
// that captured no text (unknown dialects, user field maps, capture-unknown exchanges).
// Partial usage (a stream aborted after the provider reported its input, e.g. Anthropic's
// message_start) keeps every reported bucket and tops up only the output from the text seen.

import type { Outcome, ParsedUsage, SeenText } from '@tokentap/shared'
import type { EstimateOutcome } from './estimator.ts'

export interface EndState {
  outcome: Outcome
  status: number | null
}

export function needsEstimate(usage: ParsedUsage, seen: SeenText | null, end: EndState): boolean {
  if (seen === null || !usage.billable) return false
  if (usage.usageSource === 'partial') return end.outcome === 'aborted' && seen.output.text !== ''
  if (usage.usageSource !== 'none') return false
  if (seen.output.text !== '') return true
  if (seen.request.text === '') return false
  if (end.outcome === 'aborted') return true
  return end.outcome === 'ok' && end.status !== null && end.status >= 200 && end.status < 300
}

const joinNotes = (notes: (string | null | undefined)[]): string | null =>
  notes.filter((n): n is string => typeof n === 'string' && n !== '').join('; ') || null

/** The usage with the estimate's tokens (input and output buckets only), or flagged without. */
export function applyEstimate(
  usage: ParsedUsage,
  seen: SeenText,
  outcome: EstimateOutcome,
): ParsedUsage {
  if (!outcome.ok) {
    return {
      ...usage,
      parseError: joinNotes([usage.parseError, seen.reason, `no estimate: ${outcome.reason}`]),
    }
  }
  const r = outcome.result
  if (usage.usageSource === 'partial') {
    const reported = usage.outputTokens ?? 0
    if (r.outputTokens <= reported) return usage
    return {
      ...usage,
      usageSource: 'estimated',
      outputTokens: r.outputTokens,
      parseError: joinNotes([
        usage.parseError,
        `output tokens estimated from the streamed text (the provider reported ${reported} before the stream ended)`,
        ...r.notes,
      ]),
    }
  }
  return {
    ...usage,
    usageSource: 'estimated',
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    cacheReadTokens: null,
    cacheWrite5mTokens: null,
    cacheWrite1hTokens: null,
    reasoningTokens: null,
    parseError: joinNotes([
      usage.parseError,
      seen.reason && `${seen.reason}: tokens estimated`,
      ...r.notes,
    ]),
  }
}
