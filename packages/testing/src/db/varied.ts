// A small batch that exercises every rollup definition — billable and not, priced and unpriced,
// estimated, credits, errors, unknown attributions, two hours, billed units (audio, web searches,
// a partially priced row) — and its rollup counted by hand.

import { emptyBilling, emptyBuckets, type UsageRecord, unitColumns } from '@tokentap/shared'
import {
  columnsOf,
  type MeasureField,
  ROLLUP_KEY,
  ROLLUP_MEASURES,
  type Sql,
  type UsageRollupHourlyRow,
  usageRollupHourly,
} from '@tokentap/shared/db'
import { makeRecords } from './records.ts'

const HOUR = '2026-01-15T10:00:00.000Z'
const NEXT_HOUR = '2026-01-15T11:00:00.000Z'
const KEY = {
  provider: 'anthropic',
  model: 'claude-sonnet-4-5',
  user: 'alice',
  project: 'web',
  program: 'claude-cli',
}
const NONE = { model: null, user: null, project: null, program: null }
const OK = {
  outcome: 'ok',
  status: 200,
  usageSource: 'provider',
  billable: true,
  credits: null,
  error: null,
  billingKind: 'api_key',
} as const

/** Eleven records, in two flushes' worth (first four, the rest). */
export function variedRecords(): UsageRecord[] {
  const [base] = makeRecords(1, { seed: 5 })
  const at = (hour: string, minute: number) =>
    new Date(Date.parse(hour) + minute * 60_000).toISOString()
  const rec = (minute: number, o: Partial<UsageRecord>, hour = HOUR): UsageRecord => ({
    ...base!,
    ...KEY,
    ...OK,
    ...emptyBuckets(),
    ...emptyBilling(),
    ...unitColumns(null),
    unpricedUnits: null,
    id: Bun.randomUUIDv7(),
    startedAt: at(hour, minute),
    ...o,
  })
  return [
    // billable, priced, every bucket
    rec(1, {
      costUsd: 0.5,
      inputTokens: 100,
      outputTokens: 10,
      cacheReadTokens: 1000,
      cacheWrite5mTokens: 50,
      cacheWrite1hTokens: 5,
      reasoningTokens: 3,
    }),
    // not billable (a count_tokens answer): counted as a request, its tokens are not; on a
    // subscription, but not a billable one
    rec(2, { billable: false, costUsd: null, inputTokens: 999, billingKind: 'subscription' }),
    // an upstream error without usage: an error, billable and unpriced
    rec(3, { outcome: 'upstream_error', status: 529, costUsd: null, error: 'overloaded' }),
    // unknown attribution: the '' key
    rec(4, { ...NONE, costUsd: 1, inputTokens: 7 }),
    // billable, unpriced
    rec(5, { costUsd: null, inputTokens: 200, outputTokens: 20 }),
    // estimated
    rec(6, { usageSource: 'estimated', costUsd: 0.25, inputTokens: 40, outputTokens: 4 }),
    // credits; covered by a subscription (its cost is value, not billed spend)
    rec(7, { credits: 2.5, costUsd: 0.125, inputTokens: 1, billingKind: 'subscription' }),
    // the next hour
    rec(8, { costUsd: 0.01, outputTokens: 9 }, NEXT_HOUR),
    // billed units, partially priced (web fetches had no price): summed, counted as partial
    rec(9, {
      costUsd: 0.375,
      inputTokens: 50,
      outputTokens: 5,
      units: { input_audio_tokens: 30, output_audio_tokens: 2, web_searches: 3, web_fetches: 1 },
      audioInputTokens: 30,
      audioOutputTokens: 2,
      webSearches: 3,
      unpricedUnits: ['web_fetches'],
    }),
    // billed units on a row that is not billable: not summed
    rec(10, { billable: false, costUsd: 0, webSearches: 4, audioInputTokens: 5 }),
    // unpriced (a tier without a price) with a web search: unpriced, not partial
    rec(11, {
      costUsd: null,
      inputTokens: 10,
      webSearches: 1,
      units: { web_searches: 1 },
      serviceTier: 'priority',
      unpricedUnits: ['service_tier:priority'],
    }),
  ]
}

type Money = 'costUsd' | 'credits' | 'subscriptionValueUsd'
export type RollupFigures = Omit<UsageRollupHourlyRow, 'hour' | Money> & {
  hour: string
} & Record<Money, number>

/** Every measure 0 (the figures below name what is not). */
const zero = Object.fromEntries(ROLLUP_MEASURES.map((m) => [m.key, 0])) as Record<
  MeasureField,
  number
>

/** The rollup of variedRecords(), by hand, ordered by hour then key. */
export const VARIED_ROLLUP: RollupFigures[] = [
  {
    ...zero,
    hour: HOUR,
    provider: 'anthropic',
    model: '',
    user: '',
    project: '',
    program: '',
    requests: 1,
    billableRequests: 1,
    inputTokens: 7,
    costUsd: 1,
  },
  {
    ...zero,
    hour: HOUR,
    ...KEY,
    requests: 6 + 3,
    errors: 1,
    billableRequests: 5 + 2,
    inputTokens: 100 + 200 + 40 + 1 + 50 + 10,
    outputTokens: 10 + 20 + 4 + 5,
    cacheReadTokens: 1000,
    cacheWrite5mTokens: 50,
    cacheWrite1hTokens: 5,
    reasoningTokens: 3,
    costUsd: 0.5 + 0.25 + 0.125 + 0.375,
    unpricedRequests: 2 + 1,
    estimatedRequests: 1,
    credits: 2.5,
    subscriptionRequests: 1,
    subscriptionValueUsd: 0.125,
    audioInputTokens: 30,
    audioOutputTokens: 2,
    webSearches: 3 + 1,
    partiallyPricedRequests: 1,
  },
  {
    ...zero,
    hour: NEXT_HOUR,
    ...KEY,
    requests: 1,
    billableRequests: 1,
    outputTokens: 9,
    costUsd: 0.01,
  },
]

const COLUMNS = columnsOf(usageRollupHourly)

/** A row with the rollup's column names (as Postgres returns them) as RollupFigures. */
export function figures(row: Record<string, unknown>): RollupFigures {
  const out: Record<string, unknown> = {}
  for (const c of COLUMNS) {
    const v = row[c.name]
    if (c.name === 'hour') out[c.key] = new Date(String(v)).toISOString()
    else out[c.key] = ROLLUP_KEY.includes(c.name) ? String(v) : Number(v)
  }
  return out as RollupFigures // every column of the rollup, converted as RollupFigures has it
}

const ORDER = ROLLUP_KEY.map((k) => `"${k}"`).join(', ')

/** usage_rollup_hourly, ordered by hour then key. */
export async function readRollup(sql: Sql): Promise<RollupFigures[]> {
  const rows = await sql.unsafe(`select * from usage_rollup_hourly order by ${ORDER}`)
  return rows.map(figures)
}
