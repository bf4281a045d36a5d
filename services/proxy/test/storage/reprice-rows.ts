// The reprice test's database (reprice.test.ts): the TOKENTAP_PRICES and TOKENTAP_PROVIDERS files
// it reads, the hand-picked mispriced, unpriced and stale rows, what each must become (costs
// computed by hand from the published prices), and a bulk of varied rows.

import {
  emptyBilling,
  emptyBuckets,
  GENAI_PRICES_VERSION,
  overridesVersion,
  type UsageRecord,
  unitColumns,
} from '@tokentap/shared'
import { makeRecords } from '@tokentap/testing'
import { mtok, usd } from '../../src/providers/testing/billing.ts'

export const PRICES = `{
  "models": [
    { "provider": "anthropic", "model": "claude-haiku-4-5*", "inputPerMTok": 1, "outputPerMTok": 2 },
    { "provider": "acme", "model": "acme-*", "inputPerMTok": 10, "outputPerMTok": 20 }
  ],
  "credits": [{ "provider": "amazon-q", "usdPerCredit": 0.04 }]
}`
export const PROVIDERS = JSON.stringify({
  providers: [
    {
      name: 'acme',
      hosts: ['api.acme.example'],
      fields: { inputTokens: 'usage.in', outputTokens: 'usage.out' },
    },
  ],
})
export const OVERRIDES = overridesVersion(PRICES)
export const SONNET = 'claude-sonnet-4-5-20250929'
export const OLD = 'genai-prices@0.1.0'

export const at = (minute: number, hour = 10): string =>
  new Date(Date.UTC(2026, 3, 1, hour, minute, 7, 123)).toISOString()

export function rec(o: Partial<UsageRecord>): UsageRecord {
  const [base] = makeRecords(1, { seed: 3 })
  return {
    ...base!,
    id: Bun.randomUUIDv7(),
    provider: 'anthropic',
    host: 'api.anthropic.com',
    model: SONNET,
    outcome: 'ok',
    status: 200,
    usageSource: 'provider',
    billable: true,
    credits: null,
    user: 'alice',
    project: 'web',
    program: 'claude-cli',
    billingKind: 'api_key',
    session: 'hand-picked',
    rawUsage: null,
    ...emptyBuckets(),
    ...emptyBilling(),
    ...unitColumns(null),
    unpricedUnits: null,
    costUsd: null,
    priceSource: 'genai-prices',
    priceVersion: OLD,
    ...o,
  }
}

/** The hand-picked rows, by name: what is stored, and what the reprice must leave. */
export const ROWS = {
  stale: rec({
    startedAt: at(1),
    rawUsage: {
      input_tokens: 1000,
      output_tokens: 500,
      cache_read_input_tokens: 2000,
      output_tokens_details: { thinking_tokens: 120 },
      server_tool_use: { web_search_requests: 2 },
    },
    inputTokens: 1000,
    outputTokens: 500,
    cacheReadTokens: 2000,
    costUsd: 9.99,
  }),
  unpriced: rec({
    startedAt: at(2),
    rawUsage: { input_tokens: 100, output_tokens: 10 },
    inputTokens: 100,
    outputTokens: 10,
    priceSource: 'unpriced',
  }),
  noRaw: rec({
    startedAt: at(3),
    rawUsage: null,
    inputTokens: 2000,
    outputTokens: 100,
    costUsd: 1,
  }),
  credits: rec({
    startedAt: at(4),
    provider: 'amazon-q',
    host: 'q.us-east-1.amazonaws.com',
    model: null,
    credits: 2,
    rawUsage: { credits: 2 },
    priceSource: 'unpriced',
    priceVersion: null,
  }),
  fieldMap: rec({
    startedAt: at(5),
    provider: 'acme',
    host: 'api.acme.example',
    model: 'acme-1',
    // Anthropic-looking fields too: a field map's buckets come from its paths, never from these.
    rawUsage: {
      usage: { in: 5, out: 7 },
      input_tokens: 999,
      server_tool_use: { web_search_requests: 9 },
    },
    inputTokens: 5,
    outputTokens: 7,
    priceSource: 'unpriced',
    priceVersion: null,
  }),
  estimated: rec({
    startedAt: at(6),
    usageSource: 'estimated',
    rawUsage: { input_tokens: 10, output_tokens: 1 },
    inputTokens: 10,
    outputTokens: 200,
    costUsd: 0.5,
  }),
  countTokens: rec({
    startedAt: at(7),
    billable: false,
    endpoint: 'count_tokens',
    rawUsage: { input_tokens: 50 },
    inputTokens: 50,
    priceSource: 'unpriced',
  }),
  negotiated: rec({
    startedAt: at(8),
    model: 'claude-haiku-4-5-20251001',
    rawUsage: { input_tokens: 1000, output_tokens: 100 },
    inputTokens: 1000,
    outputTokens: 100,
    costUsd: 0.5,
  }),
  right: rec({
    startedAt: at(9),
    rawUsage: { input_tokens: 10, output_tokens: 10 },
    inputTokens: 10,
    outputTokens: 10,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    costUsd: usd(mtok([10, 3], [10, 15])),
    priceVersion: GENAI_PRICES_VERSION,
  }),
  audio: rec({
    startedAt: at(10),
    provider: 'openai',
    host: 'api.openai.com',
    model: 'gpt-4o-audio-preview-2024-12-17',
    rawUsage: {
      prompt_tokens: 1000,
      completion_tokens: 200,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 300 },
      completion_tokens_details: { audio_tokens: 50, reasoning_tokens: 0 },
    },
    inputTokens: 1000,
    outputTokens: 200,
    costUsd: 3,
  }),
}

/** What the reprice must leave in each hand-picked row (the fields named). */
export const EXPECTED: Record<keyof typeof ROWS, Partial<UsageRecord>> = {
  stale: {
    costUsd: usd(mtok([1000, 3], [500, 15], [2000, 0.3]) + 2 * (10 / 1000)),
    priceSource: 'genai-prices',
    priceVersion: GENAI_PRICES_VERSION,
    reasoningTokens: 120,
    units: { web_searches: 2 },
    webSearches: 2,
    inputTokens: 1000,
    cacheReadTokens: 2000,
    cacheWrite5mTokens: null,
    unpricedUnits: null,
  },
  unpriced: { costUsd: usd(mtok([100, 3], [10, 15])), priceSource: 'genai-prices' },
  noRaw: { costUsd: usd(mtok([2000, 3], [100, 15])), inputTokens: 2000, outputTokens: 100 },
  credits: { costUsd: 0.08, priceSource: 'override', priceVersion: OVERRIDES },
  fieldMap: {
    costUsd: usd(mtok([5, 10], [7, 20])),
    priceSource: 'override',
    priceVersion: OVERRIDES,
    inputTokens: 5,
    units: null,
    webSearches: null,
  },
  estimated: {
    costUsd: usd(mtok([10, 3], [200, 15])),
    outputTokens: 200,
    usageSource: 'estimated',
  },
  countTokens: { costUsd: 0, priceSource: 'free', priceVersion: null, inputTokens: 50 },
  negotiated: { costUsd: usd(mtok([1000, 1], [100, 2])), priceSource: 'override' },
  right: { costUsd: usd(mtok([10, 3], [10, 15])), priceVersion: GENAI_PRICES_VERSION },
  audio: {
    units: { input_audio_tokens: 300, output_audio_tokens: 50 },
    audioInputTokens: 300,
    audioOutputTokens: 50,
    priceSource: 'genai-prices',
  },
}

/** A spread of varied rows (makeRecords) over the same day, with random (wrong) costs. */
export const bulk = () =>
  makeRecords(240, { seed: 11, startMs: Date.parse(at(0, 11)), spanMs: 5 * 3600_000 })
