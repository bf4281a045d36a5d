// Test helper: the SeenText a dialect offers for one exchange under every chunking replay.ts
// knows (request whole, response split everywhere; then the reverse).

import type { ExchangeMeta, ProviderDialect, SeenText } from '@tokentap/shared'
import { chunkings, type ReplayExchange, runParser, toBytes } from './replay.ts'

export interface SeenRun {
  label: string
  seen: SeenText | null
}

export function replaySeen(
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  exchange: ReplayExchange,
  everySplit = true,
): SeenRun[] {
  const request = toBytes(exchange.requestBody)
  const response = toBytes(exchange.responseBody)
  const seen = (req: Uint8Array[], res: Uint8Array[]): SeenText | null =>
    runParser(dialect, meta, exchange, req, res).parser.seenText?.() ?? null
  const runs: SeenRun[] = []
  for (const c of chunkings(response, everySplit)) {
    runs.push({ label: `response ${c.label}`, seen: seen([request], c.chunks) })
  }
  for (const c of chunkings(request, everySplit).slice(1)) {
    runs.push({ label: `request ${c.label}`, seen: seen(c.chunks, [response]) })
  }
  return runs
}
