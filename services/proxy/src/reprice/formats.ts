// Which wire format a stored row's provider was read in, for re-reading its raw_usage
// (providers/normalize.ts): a TOKENTAP_PROVIDERS entry by its name first (as the proxy consults
// them first), then the built-in table. Null when the row's usage cannot be re-read: a field-map
// provider (its buckets come from user paths, not a usage object), and providers without a
// dialect (hosts recorded without usage). Amazon Q has a format, which normalise leaves alone.

import type { BuiltinDialectName, ProvidersConfig } from '../providers/custom/index.ts'
import { BUILTIN_PROVIDERS, type WireFormat } from '../providers/table.ts'

export type StoredFormat = WireFormat | BuiltinDialectName

export function formatResolver(
  custom: ProvidersConfig | null,
): (provider: string) => StoredFormat | null {
  const formats = new Map<string, StoredFormat | null>(
    BUILTIN_PROVIDERS.map((p) => [p.name, p.dialect]),
  )
  for (const p of custom?.providers ?? []) formats.set(p.name, p.dialect ?? null)
  return (provider) => formats.get(provider) ?? null
}
