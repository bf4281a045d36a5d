// The newest priced row (the overview's price panel, /api/prices) is read newest-first by
// started_at itself: ordered by its text alias instead (to_char(started_at) AS started_at), it
// sorted every event of the store (seconds over 10 M events, bench scenario i).

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { postgres, type Sql } from '@tokentap/shared/db'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { priceTables } from '../src/data/prices.ts'

let db: TestDatabase
let traced: Sql
const seen: string[] = []

beforeAll(async () => {
  db = await testDatabase()
  traced = postgres(db.url, {
    max: 1,
    onnotice: () => {},
    debug: (_conn, query) => {
      if (query.includes('usage_events')) seen.push(query)
    },
  })
}, 90_000)

afterAll(async () => {
  await traced?.end({ timeout: 1 })
  await db?.drop()
})

test('the newest priced row is found by the started_at order, not its text', async () => {
  await priceTables(traced, async () => null)
  expect(seen).toHaveLength(1)
  const plan = (await db.sql.unsafe(`explain verbose ${seen[0]}`))
    .map((r) => r['QUERY PLAN'])
    .join('\n')
  // The merge (or sort) key is the column, which the started_at index serves per partition.
  expect(plan).toMatch(/Sort Key: usage_events(_\d+)?\.started_at DESC NULLS LAST/)
  expect(plan).not.toMatch(/Sort Key: .*to_char/)
})
