// What a reprice examined and changed, per model: rows, rows changed (and of those, re-read from
// raw_usage), unpriced and partially priced rows and the cost before and after. Costs are summed
// exactly, as integer units of 1e-8 USD (cost_usd's scale). Pure.

import { errorText } from '@tokentap/shared'
import type { Recomputed, StoredRow } from './recompute.ts'

export interface PriceState {
  /** Σ cost_usd of the rows, in units of 1e-8 USD (exact). */
  costUnits: bigint
  /** Billable rows without a price. */
  unpriced: number
  /** Priced rows with units the table has no price for. */
  partial: number
}

export interface ModelChange {
  /** The stored model; '' when none. */
  model: string
  examined: number
  changed: number
  /** Changed rows whose buckets or billed units were re-read from raw_usage. */
  reread: number
  before: PriceState
  after: PriceState
}

export interface RepriceReport {
  dryRun: boolean
  examined: number
  changed: number
  reread: number
  /** Rows the pricer failed on: left as they were (the first error is kept). */
  failed: number
  firstError: string | null
  batches: number
  /** By model name. */
  models: ModelChange[]
}

const units = (usd: number | null): bigint => (usd === null ? 0n : BigInt(Math.round(usd * 1e8)))
const zero = (): PriceState => ({ costUnits: 0n, unpriced: 0, partial: 0 })

function addTo(p: PriceState, r: StoredRow): void {
  p.costUnits += units(r.costUsd)
  if (r.billable && r.costUsd === null) p.unpriced++
  if (r.costUsd !== null && (r.unpricedUnits?.length ?? 0) > 0) p.partial++
}

export function reportBuilder(dryRun: boolean) {
  const models = new Map<string, ModelChange>()
  let batches = 0
  let failed = 0
  let firstError: string | null = null
  const of = (r: StoredRow): ModelChange => {
    const key = r.model ?? ''
    let m = models.get(key)
    if (!m) {
      m = { model: key, examined: 0, changed: 0, reread: 0, before: zero(), after: zero() }
      models.set(key, m)
    }
    return m
  }
  return {
    add(before: StoredRow, r: Recomputed): void {
      const m = of(before)
      m.examined++
      if (r.changed) m.changed++
      if (r.reread) m.reread++
      addTo(m.before, before)
      addTo(m.after, r.row)
    },
    failed(row: StoredRow, e: unknown): void {
      const m = of(row)
      m.examined++
      addTo(m.before, row)
      addTo(m.after, row)
      failed++
      firstError ??= `${row.id}: ${errorText(e)}`
    },
    batch(): void {
      batches++
    },
    done(): RepriceReport {
      const list = [...models.values()].sort((a, b) => (a.model < b.model ? -1 : 1))
      const total = (k: 'examined' | 'changed' | 'reread') => list.reduce((n, m) => n + m[k], 0)
      return {
        dryRun,
        examined: total('examined'),
        changed: total('changed'),
        reread: total('reread'),
        failed,
        firstError,
        batches,
        models: list,
      }
    },
  }
}
