// The price tables behind the figures (issue 14, GET /api/prices): the bundled genai-prices
// version, the TOKENTAP_PRICES file (name, modification time and content version, re-read only
// when it changed), and the newest priced request's price_version (a walk down the started_at
// index that stops at the first priced row).

import { basename } from 'node:path'
import { GENAI_PRICES_VERSION, overridesVersion } from '@tokentap/shared'
import type { PriceFileInfo, PricesResponse } from '@tokentap/shared/api'
import type { Sql } from '@tokentap/shared/db'

const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`
/** Larger than any price file worth hashing (the proxy reads the whole file; so do we). */
const MAX_FILE_BYTES = 4 * 1024 * 1024

export type PriceFileReader = () => Promise<PriceFileInfo | null>

/** TOKENTAP_PRICES as this process sees it; the hash is recomputed only when size or mtime
 *  change. */
export function priceFileReader(path: string | null): PriceFileReader {
  let last: { key: string; info: PriceFileInfo } | null = null
  return async () => {
    if (path === null) return null
    const file = basename(path)
    try {
      const f = Bun.file(path)
      const stat = await f.stat()
      const key = `${stat.size}:${stat.mtimeMs}`
      if (last?.key === key) return last.info
      if (stat.size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`)
      const info: PriceFileInfo = {
        file,
        modifiedAt: stat.mtime.toISOString(),
        version: overridesVersion(await f.text()),
        error: null,
      }
      last = { key, info }
      return info
    } catch (e) {
      last = null
      const code = (e as NodeJS.ErrnoException).code
      return { file, modifiedAt: null, version: null, error: code ?? (e as Error).message }
    }
  }
}

export async function priceTables(sql: Sql, file: PriceFileReader): Promise<PricesResponse> {
  // ORDER BY names the column (qualified): bare, it would be the text alias and sort every row.
  const [overrides, rows] = await Promise.all([
    file(),
    sql`select price_version, price_source,
        to_char(started_at at time zone 'UTC', ${sql.unsafe(ISO_MS)}) as started_at
      from usage_events where price_version is not null
      order by usage_events.started_at desc nulls last limit 1`,
  ])
  const r = rows[0]
  return {
    genaiPrices: GENAI_PRICES_VERSION,
    overrides,
    lastPriced: r
      ? {
          priceVersion: String(r.price_version),
          priceSource: r.price_source === null ? null : String(r.price_source),
          startedAt: String(r.started_at),
        }
      : null,
  }
}
