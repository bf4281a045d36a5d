// A stored row's billed units (issue 14) as the API sends them, read defensively: the jsonb
// columns are selected as text and kept only in their documented shapes (units {kind: count},
// unpriced units a list of strings, sub-usage a list of iterations); anything else is null.

import type { BilledUnits, SubUsage } from '@tokentap/shared'

const MAX_ITEMS = 256

function parse(v: unknown): unknown {
  if (typeof v !== 'string') return null
  try {
    return JSON.parse(v)
  } catch {
    return null
  }
}

const isCount = (n: unknown): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= 0

/** units: {kind: non-negative integer}; null when absent, empty or malformed. */
export function readUnits(v: unknown): BilledUnits | null {
  const o = parse(v)
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return null
  const entries = Object.entries(o).slice(0, MAX_ITEMS)
  const out: BilledUnits = {}
  for (const [kind, n] of entries) if (isCount(n)) out[kind] = n
  return Object.keys(out).length > 0 ? out : null
}

/** unpriced_units: a list of strings; null when absent, empty or malformed. */
export function readUnpricedUnits(v: unknown): string[] | null {
  const o = parse(v)
  if (!Array.isArray(o)) return null
  const out = o.slice(0, MAX_ITEMS).filter((s): s is string => typeof s === 'string')
  return out.length > 0 ? out : null
}

const count = (n: unknown): number => (isCount(n) ? n : 0)

/** sub_usage: the iterations, each with its kind, model and buckets; null when none. */
export function readSubUsage(v: unknown): SubUsage[] | null {
  const o = parse(v)
  if (!Array.isArray(o)) return null
  const out: SubUsage[] = []
  for (const it of o.slice(0, MAX_ITEMS)) {
    if (typeof it !== 'object' || it === null || typeof it.kind !== 'string') continue
    out.push({
      kind: it.kind,
      model: typeof it.model === 'string' ? it.model : null,
      inputTokens: count(it.inputTokens),
      outputTokens: count(it.outputTokens),
      cacheReadTokens: count(it.cacheReadTokens),
      cacheWrite5mTokens: count(it.cacheWrite5mTokens),
      cacheWrite1hTokens: count(it.cacheWrite1hTokens),
    })
  }
  return out.length > 0 ? out : null
}
