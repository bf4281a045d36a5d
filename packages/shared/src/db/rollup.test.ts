// The rollup definition over a varied batch: rollupUpsert (as the seeds use it), the measures
// over usage_events (the dashboard's partial hours) and the sums over rollup rows (its whole
// hours) all give the hand count. The writer's own rollup: services/proxy/src/sink/pg-write.test.ts.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  figures,
  insertRecords,
  readRollup,
  type TestDatabase,
  testDatabase,
  VARIED_ROLLUP,
  variedRecords,
} from '@tokentap/testing'
import {
  EVENT_HOUR,
  EVENT_MEASURES_SQL,
  ROLLUP_INPUTS,
  ROLLUP_KEY,
  ROLLUP_MEASURES_SQL,
} from './rollup.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
  await insertRecords(db.sql, variedRecords())
}, 30_000)
afterAll(async () => {
  await db?.drop()
})

const KEY_OVER_EVENTS = `${EVENT_HOUR} as hour, provider, coalesce(model, '') as model,
  coalesce("user", '') as "user", coalesce(project, '') as project,
  coalesce(program, '') as program`

describe('rollup', () => {
  test('the key is the table unique key; the writer returns what the measures read', () => {
    expect(ROLLUP_KEY).toEqual(['hour', 'provider', 'model', 'user', 'project', 'program'])
    expect([...ROLLUP_INPUTS].sort()).toEqual(
      [
        'started_at',
        ...ROLLUP_KEY.slice(1),
        'outcome',
        'billable',
        'usage_source',
        'input_tokens',
        'output_tokens',
        'cache_read_tokens',
        'cache_write_5m_tokens',
        'cache_write_1h_tokens',
        'reasoning_tokens',
        'cost_usd',
        'credits',
        'billing_kind',
        'audio_input_tokens',
        'audio_output_tokens',
        'web_searches',
        'unpriced_units',
      ].sort(),
    )
  })

  test('rollupUpsert folds the varied batch to the hand count', async () => {
    expect(await readRollup(db.sql)).toEqual(VARIED_ROLLUP)
  })

  test('the measures over usage_events give the same figures', async () => {
    const rows = await db.sql.unsafe(
      `select ${KEY_OVER_EVENTS}, ${EVENT_MEASURES_SQL} from usage_events
       group by 1, 2, 3, 4, 5, 6 order by 1, 2, 3, 4, 5, 6`,
    )
    expect(rows.map(figures)).toEqual(VARIED_ROLLUP)
  })

  test('the sums over rollup rows add hours up', async () => {
    const [row] = await db.sql.unsafe(
      `select min(hour) as hour, 'anthropic' as provider, '' as model, '' as "user",
         '' as project, '' as program, ${ROLLUP_MEASURES_SQL}
       from usage_rollup_hourly`,
    )
    expect(figures(row ?? {})).toMatchObject({
      requests: 11,
      errors: 1,
      billableRequests: 9,
      inputTokens: 408,
      outputTokens: 48,
      unpricedRequests: 3,
      estimatedRequests: 1,
      costUsd: 2.26,
      credits: 2.5,
      audioInputTokens: 30,
      audioOutputTokens: 2,
      webSearches: 4,
      partiallyPricedRequests: 1,
    })
  })
})
