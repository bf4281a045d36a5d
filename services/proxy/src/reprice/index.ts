// @tokentap/proxy/reprice: `tokentap reprice` — stored rows recomputed with the current price
// tables (recompute.ts, pure), written back with their rollups in batches (database.ts), and
// what changed (report.ts). The proxy owns every write of usage rows; the CLI only runs this.

import { createPricer } from '../pricing/index.ts'
import type { RepriceTables } from './config.ts'
import { formatResolver } from './formats.ts'
import { createRecompute, type Recomputed, type StoredRow } from './recompute.ts'

export { loadRepriceTables, type RepriceTables } from './config.ts'
export { globToLike, type RepriceOptions, repriceDatabase } from './database.ts'
export { formatResolver, type StoredFormat } from './formats.ts'
export {
  createRecompute,
  type RecomputeDeps,
  type Recomputed,
  type StoredRow,
} from './recompute.ts'
export type { ModelChange, PriceState, RepriceReport } from './report.ts'

/** The recompute of the current tables (what the proxy would price a new record with). */
export function recomputeWith(tables: RepriceTables): (row: StoredRow) => Recomputed {
  return createRecompute({
    pricer: createPricer({ overrides: tables.overrides }),
    formatOf: formatResolver(tables.providers),
  })
}
