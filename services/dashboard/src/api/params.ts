// What the API routes share: filters echoed as JSON, integer query parameters, CSV headers.

import type { Filters, FiltersJson } from '@tokentap/shared/api'
import type { Context } from 'hono'
import { FilterError } from '../data/filters.ts'

/** Filters as JSON: instants as ISO strings. */
export function filtersJson(f: Filters): FiltersJson {
  return { ...f, from: f.from.toISOString(), to: f.to.toISOString() }
}

/** A positive integer parameter (capped at `max`), `fallback` when absent; else FilterError. */
export function intParam(c: Context, name: string, fallback: number, max: number): number {
  const raw = c.req.query(name)
  if (raw === undefined || raw === '') return fallback
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new FilterError(`${name}: expected a positive integer`)
  }
  return Math.min(Number(raw), max)
}

const stamp = (d: Date): string => d.toISOString().slice(0, 16).replace(/[-:]/g, '')

export function csvHeaders(name: string, f: Filters): Record<string, string> {
  return {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="tokentap-${name}-${stamp(f.from)}-${stamp(f.to)}.csv"`,
    'cache-control': 'no-store',
  }
}
