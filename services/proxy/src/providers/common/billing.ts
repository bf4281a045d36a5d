// Billing facts beside the token buckets (packages/shared/src/billing.ts): the per-dialect usage
// normalisers return buckets + billing (NormalizedUsage), the same pure functions for the live
// parser and for a reprice from stored raw_usage. What a response reports outside its usage object
// (OpenAI's top-level `service_tier`, Responses tool-call items, Gemini grounding) comes in as
// UsageFacts; a reprice passes the stored service_tier and units in the same place. Pure.

import type { BilledUnits, BilledUsage, SubUsage, TokenBuckets } from '@tokentap/shared'
import { readCount, readString } from './json-values.ts'

/** One usage object normalised: the token buckets and the billing facts. */
export type NormalizedUsage = TokenBuckets & BilledUsage

/** Billing facts found outside the usage object (or, for a reprice, the stored ones). */
export interface UsageFacts {
  /** The billed tier when the usage object does not carry it. */
  serviceTier?: string | null
  /** Units counted outside the usage object; the usage object's own kinds win over these. */
  units?: BilledUnits | null
}

/** Adds a count to a units map; zero, negative and non-numbers add nothing. */
export function addUnit(units: BilledUnits, kind: string, count: unknown): void {
  const n = readCount(count)
  if (n === null || n === 0) return
  units[kind] = (units[kind] ?? 0) + n
}

const orNull = (units: BilledUnits): BilledUnits | null =>
  Object.keys(units).length === 0 ? null : units

/** A provider-spelled label (tier, geo, speed): a short string, else null. */
export function readLabel(value: unknown): string | null {
  const s = readString(value)
  return s !== null && s.length <= 64 ? s : null
}

/** The billing of a usage object completed with the facts found beside it: the usage object's
 *  own tier and unit kinds win; kinds only the facts carry are kept. */
export function billing(
  own: {
    serviceTier?: string | null
    inferenceGeo?: string | null
    speed?: string | null
    units?: BilledUnits
    subUsage?: SubUsage[]
  },
  facts?: UsageFacts,
): BilledUsage {
  const units: BilledUnits = {}
  for (const [kind, n] of Object.entries(facts?.units ?? {})) addUnit(units, kind, n)
  for (const [kind, n] of Object.entries(own.units ?? {})) {
    delete units[kind]
    addUnit(units, kind, n)
  }
  return {
    serviceTier: own.serviceTier ?? readLabel(facts?.serviceTier) ?? null,
    inferenceGeo: own.inferenceGeo ?? null,
    speed: own.speed ?? null,
    units: orNull(units),
    subUsage: own.subUsage !== undefined && own.subUsage.length > 0 ? own.subUsage : null,
  }
}
