// Billed units (packages/shared/src/billing.ts) as @pydantic/genai-prices prices them, and which
// of a record's units a price table covers. Token kinds carry genai-prices' own usage-key meaning
// (parts of the input / cache reads / output); a modality without a price of its own is billed at
// its parent's rate, which is what genai-prices' unit tree does and how the providers price a
// modality they do not list apart (Gemini: "Input rate is unified across text/image/video/audio").
// Count kinds are priced only where the table has their price key; a count kind it lacks is
// unpriced, never $0, unless the provider documents it as free (FREE_UNITS). Pure.

import type { Usage } from '@pydantic/genai-prices'
import { type BilledUnits, TOKEN_UNITS } from '@tokentap/shared'

const TOKEN_KINDS: ReadonlySet<string> = new Set(TOKEN_UNITS)

/** Count kinds → genai-prices usage key (the price key is `<key>_kcount`, per 1,000). */
const COUNT_KEYS: Readonly<Record<string, string>> = {
  web_searches: 'web_searches',
  file_searches: 'storage_searches', // OpenAI file_search_call: "storage searches"
}

/**
 * Units a provider documents as free beyond their tokens, by kind: priced at $0 knowingly.
 * - web_fetches on Claude: "Web fetch usage has no additional charges beyond standard token
 *   costs" (Anthropic, web fetch tool documentation).
 */
const FREE_UNITS: Readonly<Record<string, (model: string) => boolean>> = {
  web_fetches: (model) => /claude/i.test(model),
}

export const isTokenUnit = (kind: string): boolean => TOKEN_KINDS.has(kind)

/** A units map with only positive integer counts (stored JSON is read defensively). */
export function cleanUnits(units: unknown): BilledUnits {
  const out: BilledUnits = {}
  if (typeof units !== 'object' || units === null || Array.isArray(units)) return out
  for (const [kind, n] of Object.entries(units)) {
    if (typeof n === 'number' && Number.isFinite(n) && n > 0) out[kind] = Math.trunc(n)
  }
  return out
}

/** Adds a record's units to a genai-prices usage (kinds it has no key for are left out); true
 *  when a token part was added (the parts then need clamping to their buckets). */
export function addUnitUsage(usage: Usage, units: BilledUnits): boolean {
  let parts = false
  for (const kind in units) {
    const n = units[kind]
    if (TOKEN_KINDS.has(kind)) {
      usage[kind] = n
      parts = true
    } else {
      const key = COUNT_KEYS[kind]
      if (key !== undefined) usage[key] = n
    }
  }
  return parts
}

export function isFreeUnit(kind: string, model: string | null): boolean {
  const free = FREE_UNITS[kind]
  return free !== undefined && model !== null && free(model)
}

/** The record's units a genai-prices model price leaves unpriced (`priceKeys`: its keys). */
export function genaiUnpriced(
  units: BilledUnits,
  priceKeys: ReadonlySet<string>,
  model: string | null,
): string[] {
  const out: string[] = []
  for (const kind of Object.keys(units)) {
    if (TOKEN_KINDS.has(kind) || isFreeUnit(kind, model)) continue
    const key = COUNT_KEYS[kind]
    if (key === undefined || !priceKeys.has(`${key}_kcount`)) out.push(kind)
  }
  return out.sort()
}
