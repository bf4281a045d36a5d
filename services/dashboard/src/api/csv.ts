// CSV (RFC 4180) for exports, safe to open in spreadsheets: text cells that a spreadsheet would
// read as a formula (= + - @ tab CR) get a leading apostrophe. Numbers stay numbers; objects and
// lists (billed units, iterations, unpriced units) are JSON text.

import { BUCKET_KEYS } from '@tokentap/shared'
import type { BreakdownRow, EventRow } from '@tokentap/shared/api'

const FORMULA = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return ''
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : ''
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  // Units, iterations, unpriced units: JSON text (starts with { or [, never a formula).
  let s = typeof v === 'object' ? JSON.stringify(v) : String(v)
  if (FORMULA.test(s)) s = `'${s}`
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

export function csvLine(cells: unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`
}

export const EVENT_CSV_COLUMNS: Array<keyof EventRow> = [
  'id',
  'startedAt',
  'durationMs',
  'ttfbMs',
  'provider',
  'host',
  'method',
  'path',
  'endpoint',
  'model',
  'stream',
  'transport',
  'status',
  'outcome',
  'usageSource',
  'billable',
  'user',
  'project',
  'program',
  'session',
  'agent',
  'agentType',
  ...BUCKET_KEYS,
  'credits',
  'costUsd',
  'priceSource',
  // billing kind (issue 16): a subscription's cost is its API-equivalent value, not billed
  'billingKind',
  'account',
  // billed units (issue 14): units, subUsage (iterations) and unpricedUnits as JSON; the cost
  // of a row with unpricedUnits leaves them out (a lower bound)
  'serviceTier',
  'inferenceGeo',
  'speed',
  'audioInputTokens',
  'audioOutputTokens',
  'webSearches',
  'units',
  'unpricedUnits',
  'subUsage',
]

export const BREAKDOWN_CSV_COLUMNS: Array<keyof BreakdownRow> = [
  'key',
  'requests',
  'errors',
  'billableRequests',
  ...BUCKET_KEYS,
  'costUsd',
  'unpricedRequests',
  'estimatedRequests',
  'credits',
  // billing kind (issue 16): billed = costUsd − subscriptionValueUsd
  'billedCostUsd',
  'subscriptionValueUsd',
  'subscriptionRequests',
  // billed units (issue 14): audio is a part of the token columns; partially priced requests'
  // cost leaves out units without a price
  'audioInputTokens',
  'audioOutputTokens',
  'webSearches',
  'partiallyPricedRequests',
]

export function rowsToCsv<T>(columns: Array<keyof T>, rows: T[]): string {
  return rows.map((r) => csvLine(columns.map((c) => r[c]))).join('')
}
