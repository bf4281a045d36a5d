// Small building blocks shared by the dialects: the empty record every parser starts from, the
// usage-source rule, and response content-type classification. Pure.

import type { HeaderMap, ParsedUsage, UsageSource } from '@tokentap/shared'
import { emptyBilling, emptyBuckets } from '@tokentap/shared'
import type { NormalizedUsage, UsageFacts } from './billing.ts'

/** A ParsedUsage with every field present (what the dialects here always return). */
export type FullUsage = Required<ParsedUsage>

/** A record with nothing known: every bucket null, no usage. Dialects override what they learn. */
export function emptyRecord(provider: string, endpoint: string, billable: boolean): FullUsage {
  return {
    provider,
    endpoint,
    model: null,
    stream: false,
    responseId: null,
    usageSource: 'none',
    billable,
    parseError: null,
    rawUsage: null,
    credits: null,
    ...emptyBuckets(),
    ...emptyBilling(),
  }
}

/** provider when the final usage was seen, partial when only some was, none without usage. */
export function sourceOf(hasUsage: boolean, complete: boolean): UsageSource {
  if (!hasUsage) return 'none'
  return complete ? 'provider' : 'partial'
}

/** Buckets for a usage object that reports nothing beyond input tokens (count endpoints). */
export function inputOnlyBuckets(input: number | null): NormalizedUsage {
  return { ...emptyBuckets(), ...emptyBilling(), inputTokens: input }
}

export type BodyKind = 'sse' | 'json' | 'event-stream' | 'other'

/** How to read a response body, from its `content-type`. */
export function bodyKind(headers: HeaderMap): BodyKind {
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? ''
  if (type === 'text/event-stream') return 'sse'
  if (type === 'application/vnd.amazon.eventstream') return 'event-stream'
  if (type === 'application/json' || /^application\/[\w.+-]*\+json$/.test(type)) return 'json'
  return 'other'
}

/** What a dialect's base record takes from the route and the request body. */
export interface RecordSeed {
  endpoint: string
  billable: boolean
  model: string | null
  /** `"stream"` as the request said it, null when the request could not be read. */
  stream: boolean | null
}

/** The record a dialect completes: its route, the request's model and stream flag. */
export function seededRecord(provider: string, seed: RecordSeed, kind: BodyKind | null): FullUsage {
  return {
    ...emptyRecord(provider, seed.endpoint, seed.billable),
    model: seed.model,
    stream: requestedStream(seed.stream, kind),
  }
}

/** Whether the exchange streamed, as the REQUEST asked (`"stream": true`); the response's body
 *  kind only when the request could not be read (an error answer to a stream request is JSON). */
export function requestedStream(requested: boolean | null, kind: BodyKind | null): boolean {
  return requested ?? kind === 'sse'
}

/** The path without query or fragment, and without trailing slashes (root stays `/`). */
export function barePath(path: string): string {
  const bare = path.replace(/[?#].*$/s, '')
  return bare.length > 1 ? bare.replace(/\/+$/, '') || '/' : bare
}

/** decodeURIComponent that returns the input unchanged when it is not valid percent-encoding. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/** What a dialect learned from a response body. */
export interface ResponseFacts {
  usage: Record<string, unknown> | null
  model: string | null
  responseId: string | null
  /** The provider's final event/body was seen (else usage is partial). */
  complete: boolean
  parseError: string | null
  /** Billing facts the body carries outside its usage object (tier, tool-call items …). */
  facts?: UsageFacts
}

/** Facts before the response said anything. */
export function noFacts(): ResponseFacts {
  return { responseId: null, model: null, usage: null, complete: false, parseError: null }
}

/** `record` completed with `facts`; buckets and billing come from `toBuckets` when usage was
 *  seen (with the billing facts found beside the usage object). */
export function withFacts(
  record: FullUsage,
  facts: ResponseFacts | null,
  toBuckets: (usage: Record<string, unknown>, beside?: UsageFacts) => Partial<NormalizedUsage>,
): FullUsage {
  if (facts === null) return record
  const usage = facts.usage
  return {
    ...record,
    model: facts.model ?? record.model,
    responseId: facts.responseId,
    usageSource: sourceOf(usage !== null, facts.complete),
    parseError: facts.parseError,
    rawUsage: usage,
    ...(usage === null ? {} : toBuckets(usage, facts.facts)),
  }
}
