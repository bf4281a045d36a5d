// Expected records for fixtures: every field present (as the dialects return them), nothing
// known; each dialect's fixtures set their own defaults and override what they expect.

import { emptyBilling, emptyBuckets, type ParsedUsage } from '@tokentap/shared'

export function recordFactory<D extends Partial<ParsedUsage>>(
  defaults: D,
): (overrides: Partial<ParsedUsage> & Omit<Pick<ParsedUsage, 'provider'>, keyof D>) => ParsedUsage {
  return (overrides) => ({
    provider: '',
    endpoint: null,
    model: null,
    stream: false,
    responseId: null,
    usageSource: 'none',
    billable: true,
    parseError: null,
    rawUsage: null,
    credits: null,
    ...emptyBuckets(),
    ...emptyBilling(),
    ...defaults,
    ...overrides,
  })
}
