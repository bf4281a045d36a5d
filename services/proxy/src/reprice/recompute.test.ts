// One row repriced, pure: re-read where the format and the usage source allow, stored buckets
// otherwise; a NULL bucket the re-read gives as 0 stays NULL; unit maps compare by content; the
// row's instant (stored with microseconds) is the instant priced; unchanged rows come back as they
// were. Costs by hand: claude-sonnet-4-5 $3 in, $15 out per MTok, web search $10 per 1,000.

import { describe, expect, test } from 'bun:test'
import { emptyBilling, emptyBuckets, GENAI_PRICES_VERSION, unitColumns } from '@tokentap/shared'
import { createPricer, type PriceInput, type Pricer } from '../pricing/index.ts'
import { mtok, usd } from '../providers/testing/billing.ts'
import { formatResolver } from './formats.ts'
import { createRecompute, type StoredRow } from './recompute.ts'

const row = (o: Partial<StoredRow> = {}): StoredRow => ({
  id: '0197a000-0000-7000-8000-000000000001',
  startedAt: '2026-04-01T10:00:00.123456Z',
  provider: 'anthropic',
  host: 'api.anthropic.com',
  model: 'claude-sonnet-4-5-20250929',
  billable: true,
  usageSource: 'provider',
  credits: null,
  rawUsage: null,
  ...emptyBuckets(),
  ...emptyBilling(),
  ...unitColumns(null),
  costUsd: null,
  priceSource: null,
  priceVersion: null,
  unpricedUnits: null,
  ...o,
})

const recompute = createRecompute({ pricer: createPricer(), formatOf: formatResolver(null) })

describe('recompute', () => {
  test('re-reads raw_usage: units found, NULL kept where the re-read says 0, priced by hand', () => {
    const r = recompute(
      row({
        rawUsage: {
          input_tokens: 1000,
          output_tokens: 100,
          cache_creation_input_tokens: 0,
          server_tool_use: { web_search_requests: 4 },
        },
        inputTokens: 1000,
        outputTokens: 100,
      }),
    )
    expect(r.changed).toBe(true)
    expect(r.reread).toBe(true)
    expect(r.row).toMatchObject({
      inputTokens: 1000,
      cacheWrite5mTokens: null,
      cacheReadTokens: null,
      units: { web_searches: 4 },
      webSearches: 4,
      costUsd: usd(mtok([1000, 3], [100, 15]) + 4 * 0.01),
      priceSource: 'genai-prices',
      priceVersion: GENAI_PRICES_VERSION,
    })
  })

  test('a row already priced as the tables price it is unchanged (units in any key order)', () => {
    const stored = row({
      rawUsage: { input_tokens: 10, output_tokens: 1, server_tool_use: { web_search_requests: 1 } },
      inputTokens: 10,
      outputTokens: 1,
      units: { web_searches: 1 },
      ...unitColumns({ web_searches: 1 }),
      costUsd: usd(mtok([10, 3], [1, 15]) + 0.01),
      priceSource: 'genai-prices',
      priceVersion: GENAI_PRICES_VERSION,
    })
    const r = recompute(stored)
    expect(r).toEqual({ row: stored, changed: false, reread: false })
    const two = { web_fetches: 1, web_searches: 1 }
    const a = recompute(row({ inputTokens: 5, units: two, ...unitColumns(two) }))
    const b = recompute(
      row({ inputTokens: 5, units: { web_searches: 1, web_fetches: 1 }, ...unitColumns(two) }),
    )
    expect(b.row.costUsd).toBe(a.row.costUsd)
    expect(recompute(a.row).changed).toBe(false)
  })

  test('stored buckets stand: estimated, credits, unknown format, not billable, no raw_usage', () => {
    const raw = { input_tokens: 1, output_tokens: 1 }
    const cases: StoredRow[] = [
      row({ usageSource: 'estimated', rawUsage: raw, inputTokens: 10, outputTokens: 200 }),
      row({ provider: 'api.example.com', rawUsage: raw, inputTokens: 10, outputTokens: 200 }),
      row({ provider: 'amazon-q', credits: 2, rawUsage: raw, inputTokens: 10, outputTokens: 200 }),
      row({ billable: false, rawUsage: raw, inputTokens: 10, outputTokens: 200 }),
      row({ rawUsage: null, inputTokens: 10, outputTokens: 200 }),
    ]
    for (const c of cases) {
      const r = recompute(c)
      expect(r.reread).toBe(false)
      expect([r.row.inputTokens, r.row.outputTokens]).toEqual([10, 200])
    }
    expect(recompute(cases[3]!).row).toMatchObject({ costUsd: 0, priceSource: 'free' })
    expect(recompute(cases[4]!).row.costUsd).toBe(usd(mtok([10, 3], [200, 15])))
  })

  test('the row is priced at its own instant (microseconds dropped, not misread)', () => {
    const seen: PriceInput[] = []
    const spy: Pricer = {
      price: (r) => {
        seen.push(r)
        return { costUsd: 1, priceSource: 'genai-prices', priceVersion: 'v', unpricedUnits: null }
      },
    }
    createRecompute({ pricer: spy, formatOf: () => null })(row())
    expect(seen[0]?.startedAt).toBe('2026-04-01T10:00:00.123Z')
  })

  test('a pricer that throws is not swallowed (the database pass counts and skips the row)', () => {
    const broken: Pricer = {
      price: () => {
        throw new Error('boom')
      },
    }
    expect(() => createRecompute({ pricer: broken, formatOf: () => null })(row())).toThrow('boom')
  })
})

describe('formats', () => {
  test('built-in providers by name; TOKENTAP_PROVIDERS entries first; field maps cannot be re-read', () => {
    const formatOf = formatResolver({
      captureUnknown: false,
      providers: [
        { name: 'acme', hosts: ['api.acme.example'], fields: { inputTokens: 'usage.in' } },
        { name: 'mine', hosts: ['llm.mine.example'], dialect: 'openai-responses' },
        { name: 'groq', hosts: ['groq.mine.example'], dialect: 'anthropic' },
      ],
    })
    expect(formatOf('anthropic')).toBe('anthropic')
    expect(formatOf('vertex')).toBe('gemini')
    expect(formatOf('azure-openai')).toBe('openai')
    expect(formatOf('amazon-q')).toBe('amazon-q')
    expect(formatOf('mine')).toBe('openai-responses')
    expect(formatOf('groq')).toBe('anthropic')
    expect(formatOf('acme')).toBeNull()
    expect(formatOf('api.unknown.example')).toBeNull()
  })
})
