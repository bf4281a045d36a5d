// The text `tokentap reprice` prints (pure): where and with which tables it ran, what it
// selected, then per model the rows examined, changed and re-read from raw_usage, the unpriced and
// partially priced rows and the cost before → after (exact: summed in units of 1e-8 USD).

import type { ModelChange, RepriceReport } from '@tokentap/proxy/reprice'
import { formatInt } from '@tokentap/shared/api'

export interface RunFacts {
  database: string
  genaiPrices: string
  /** The TOKENTAP_PRICES version and file, or null when unset. */
  overrides: { version: string; file: string } | null
  since: Date | null
  until: Date
  model: string | null
}

const SCALE = 100_000_000n

/** Units of 1e-8 USD → "$12.34", "$0.0473", "$0.00000123" (exact; at least 2 decimals). */
export function usdOfUnits(units: bigint): string {
  const sign = units < 0n ? '-' : ''
  const abs = units < 0n ? -units : units
  const whole = abs / SCALE
  const frac = (abs % SCALE).toString().padStart(8, '0').replace(/0+$/, '').padEnd(2, '0')
  return `${sign}$${whole.toLocaleString('en-US')}.${frac}`
}

const utc = (d: Date): string => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

const arrow = (a: string, b: string): string => (a === b ? a : `${a} → ${b}`)

function line(label: string, m: Omit<ModelChange, 'model'>): string[] {
  return [
    label,
    formatInt(m.examined),
    formatInt(m.changed),
    formatInt(m.reread),
    arrow(formatInt(m.before.unpriced), formatInt(m.after.unpriced)),
    arrow(formatInt(m.before.partial), formatInt(m.after.partial)),
    arrow(usdOfUnits(m.before.costUnits), usdOfUnits(m.after.costUnits)),
  ]
}

function total(models: ModelChange[]): Omit<ModelChange, 'model'> {
  const sum = (f: (m: ModelChange) => number) => models.reduce((n, m) => n + f(m), 0)
  const cost = (f: (m: ModelChange) => bigint) => models.reduce((n, m) => n + f(m), 0n)
  return {
    examined: sum((m) => m.examined),
    changed: sum((m) => m.changed),
    reread: sum((m) => m.reread),
    before: {
      costUnits: cost((m) => m.before.costUnits),
      unpriced: sum((m) => m.before.unpriced),
      partial: sum((m) => m.before.partial),
    },
    after: {
      costUnits: cost((m) => m.after.costUnits),
      unpriced: sum((m) => m.after.unpriced),
      partial: sum((m) => m.after.partial),
    },
  }
}

export function renderReport(r: RepriceReport, f: RunFacts): string {
  const out = [
    `tokentap reprice${r.dryRun ? ' (dry run: nothing written)' : ''}: ${f.database}`,
    `prices: ${f.genaiPrices}${f.overrides ? ` · TOKENTAP_PRICES ${f.overrides.file} (${f.overrides.version})` : ' · no TOKENTAP_PRICES'}`,
    `rows: started ${f.since ? `from ${utc(f.since)} ` : ''}before ${utc(f.until)}${f.model === null ? '' : `, model ${f.model}`}`,
    '',
  ]
  if (r.examined === 0) return `${[...out, 'no rows selected'].join('\n')}\n`
  const head = ['model', 'rows', 'changed', 're-read', 'unpriced', 'partial', 'cost']
  const body = r.models.map((m) => line(m.model === '' ? '(none)' : m.model, m))
  out.push(table([head, ...body, line('total', total(r.models))]), '')
  const changed = formatInt(r.changed)
  out.push(
    r.dryRun
      ? `${changed} of ${formatInt(r.examined)} rows would change; run without --dry-run to write them.`
      : `${changed} of ${formatInt(r.examined)} rows changed in ${formatInt(r.batches)} batches; the hourly rollups and session totals moved with them.`,
  )
  if (r.failed > 0) {
    out.push(
      `${formatInt(r.failed)} rows could not be priced and were left as they were (first: ${r.firstError ?? '?'}).`,
    )
  }
  return `${out.join('\n')}\n`
}
