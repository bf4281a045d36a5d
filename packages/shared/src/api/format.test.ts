import { describe, expect, test } from 'bun:test'
import {
  billedOfTotals,
  costOfEvent,
  costOfTotals,
  formatCompact,
  formatInt,
  formatUsd,
  valueOfTotals,
} from './format.ts'

const agg = (o: Partial<Parameters<typeof costOfTotals>[0]> = {}) => ({
  costUsd: 1.5,
  estimatedRequests: 0,
  unpricedRequests: 0,
  billableRequests: 10,
  ...o,
})

describe('api figures', () => {
  test('integers and compact token figures', () => {
    expect(formatInt(1234567)).toBe('1,234,567')
    expect(formatInt(null)).toBe('—')
    expect(formatCompact(950)).toBe('950')
    expect(formatCompact(9999)).toBe('9,999')
    expect(formatCompact(12_345)).toBe('12.3k')
    expect(formatCompact(4_500_000)).toBe('4.5M')
    expect(formatCompact(250_000_000)).toBe('250M')
    expect(formatCompact(2e9)).toBe('2B')
  })
  test('USD: 2 decimals from $1, 4 below, never rounded to $0 for tiny amounts', () => {
    expect(formatUsd(1234.5)).toBe('$1,234.50')
    expect(formatUsd(0.0021525)).toBe('$0.0022')
    expect(formatUsd(0)).toBe('$0.00')
    expect(formatUsd(0.00000123)).toBe('$0.0000012')
  })
  test('aggregate cost marks estimated (~$) and counts unpriced requests', () => {
    expect(costOfTotals(agg())).toEqual({ amount: '$1.50', estimated: false, unpriced: 0 })
    expect(costOfTotals(agg({ estimatedRequests: 2 })).amount).toBe('~$1.50')
    expect(costOfTotals(agg({ unpricedRequests: 3 }))).toEqual({
      amount: '$1.50',
      estimated: false,
      unpriced: 3,
    })
    // Nothing priced at all: "unpriced", never "$0.00".
    expect(costOfTotals(agg({ costUsd: 0, unpricedRequests: 10 })).amount).toBe('unpriced')
  })
  test('event cost: unpriced, free, estimated', () => {
    expect(costOfEvent({ costUsd: null, billable: true, usageSource: 'provider' }).amount).toBe(
      'unpriced',
    )
    expect(costOfEvent({ costUsd: null, billable: false, usageSource: 'none' }).amount).toBe('free')
    expect(costOfEvent({ costUsd: 0.5, billable: true, usageSource: 'estimated' }).amount).toBe(
      '~$0.5000',
    )
  })
  test('billed spend apart from the value of subscription traffic', () => {
    const t = {
      ...agg({ costUsd: 3, estimatedRequests: 0 }),
      billedCostUsd: 1,
      subscriptionValueUsd: 2,
      subscriptionRequests: 4,
    }
    expect(billedOfTotals(t)).toEqual({ amount: '$1.00', estimated: false, unpriced: 0 })
    expect(valueOfTotals(t)).toEqual({
      amount: '$2.00',
      estimated: false,
      unpriced: 0,
      covered: true,
    })
    // all of it on subscriptions: $0.00 billed, never "unpriced"
    const all = { ...t, billedCostUsd: 0, subscriptionValueUsd: 3 }
    expect(billedOfTotals(all).amount).toBe('$0.00')
  })
  test('an event a subscription paid for is marked covered', () => {
    const e = { costUsd: 0.25, billable: true, usageSource: 'provider' as const }
    expect(costOfEvent({ ...e, billingKind: 'subscription' })).toEqual({
      amount: '$0.2500',
      estimated: false,
      unpriced: 0,
      covered: true,
    })
    expect(costOfEvent({ ...e, billingKind: 'api_key' }).covered).toBeUndefined()
  })
})
