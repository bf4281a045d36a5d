import { describe, expect, test } from 'bun:test'
import type { RepriceReport } from '@tokentap/proxy/reprice'
import { type RunFacts, renderReport, usdOfUnits } from './report.ts'

const FACTS: RunFacts = {
  database: 'DATABASE_URL (postgres://tt:***@db:5432/tokentap)',
  genaiPrices: 'genai-prices@0.1.8',
  overrides: { version: 'overrides:0123456789ab', file: 'prices.json' },
  since: new Date('2026-01-01T00:00:00Z'),
  until: new Date('2026-11-23T12:00:00Z'),
  model: 'claude-*',
}

const REPORT: RepriceReport = {
  dryRun: false,
  examined: 1250,
  changed: 42,
  reread: 3,
  failed: 0,
  firstError: null,
  batches: 2,
  models: [
    {
      model: '',
      examined: 50,
      changed: 0,
      reread: 0,
      before: { costUnits: 0n, unpriced: 50, partial: 0 },
      after: { costUnits: 0n, unpriced: 50, partial: 0 },
    },
    {
      model: 'claude-sonnet-4-5',
      examined: 1200,
      changed: 42,
      reread: 3,
      before: { costUnits: 1_234_500_000n, unpriced: 2, partial: 0 },
      after: { costUnits: 1_240_473_000n, unpriced: 0, partial: 1 },
    },
  ],
}

describe('reprice report', () => {
  test('money exactly, from units of 1e-8 USD', () => {
    expect(usdOfUnits(0n)).toBe('$0.00')
    expect(usdOfUnits(1_049_000_000n)).toBe('$10.49')
    expect(usdOfUnits(473_000n)).toBe('$0.00473')
    expect(usdOfUnits(123n)).toBe('$0.00000123')
    expect(usdOfUnits(123_456_789_012_345_678n)).toBe('$1,234,567,890.12345678')
  })

  test('where, with which tables, what; per model and the total; what happened', () => {
    expect(renderReport(REPORT, FACTS)).toBe(
      [
        'tokentap reprice: DATABASE_URL (postgres://tt:***@db:5432/tokentap)',
        'prices: genai-prices@0.1.8 · TOKENTAP_PRICES prices.json (overrides:0123456789ab)',
        'rows: started from 2026-01-01 00:00:00 UTC before 2026-11-23 12:00:00 UTC, model claude-*',
        '',
        'model               rows  changed  re-read  unpriced  partial                 cost',
        '(none)                50        0        0        50        0                $0.00',
        'claude-sonnet-4-5  1,200       42        3     2 → 0    0 → 1  $12.345 → $12.40473',
        'total              1,250       42        3   52 → 50    0 → 1  $12.345 → $12.40473',
        '',
        '42 of 1,250 rows changed in 2 batches; the hourly rollups and session totals moved with them.',
        '',
      ].join('\n'),
    )
  })

  test('dry run, failures, nothing selected', () => {
    const dry = renderReport(
      { ...REPORT, dryRun: true, failed: 2, firstError: 'abc: boom' },
      { ...FACTS, overrides: null, since: null, model: null },
    )
    expect(dry).toStartWith('tokentap reprice (dry run: nothing written): DATABASE_URL')
    expect(dry).toContain('· no TOKENTAP_PRICES')
    expect(dry).toContain('rows: started before 2026-11-23 12:00:00 UTC\n')
    expect(dry).toContain('42 of 1,250 rows would change; run without --dry-run to write them.')
    expect(dry).toContain(
      '2 rows could not be priced and were left as they were (first: abc: boom).',
    )
    const none = renderReport({ ...REPORT, examined: 0, changed: 0, models: [] }, FACTS)
    expect(none).toEndWith('\nno rows selected\n')
  })
})
