// The writer's rollup against a varied batch (billable or not, priced or unpriced, estimated,
// credits, errors, unknown attributions, two hours), written in two flushes so the second folds
// into rows the first made: equal to the hand count and to plain SQL over usage_events; and the
// session totals, folded over several flushes, equal to plain SQL over usage_events.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ensurePartitions, monthOf } from '@tokentap/shared/db'
import {
  makeRecords,
  readRollup,
  type TestDatabase,
  testDatabase,
  VARIED_ROLLUP,
  variedRecords,
} from '@tokentap/testing'
import { expectRollupsMatchEvents } from '../../test/storage/helpers.ts'
import { toCells } from './pg-rows.ts'
import { writeEvents } from './pg-write.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
  await ensurePartitions(
    db.sql,
    variedRecords().map((r) => monthOf(Date.parse(r.startedAt))),
  )
}, 30_000)
afterAll(async () => {
  await db?.drop()
})

describe('writeEvents: the rollup', () => {
  test.each(['json', 'copy', 'values'] as const)(
    'a varied batch via %s folds to the hand count and to the reference SQL',
    async (method) => {
      await db.sql`truncate usage_events, usage_rollup_hourly, usage_sessions, exchange_bodies`
      const rows = variedRecords().map(toCells)
      const first = await writeEvents(db.sql, rows.slice(0, 4), method)
      const second = await writeEvents(db.sql, rows.slice(4), method)
      expect([first.inserted, second.inserted]).toEqual([4, 7])
      expect([first.via, second.via]).toEqual([method, method]) // no fallback hid the method
      expect(await readRollup(db.sql)).toEqual(VARIED_ROLLUP)
      await expectRollupsMatchEvents(db.sql)
      // A replay inserts nothing, so it folds nothing.
      expect((await writeEvents(db.sql, rows, method)).inserted).toBe(0)
      expect(await readRollup(db.sql)).toEqual(VARIED_ROLLUP)
    },
  )
})

describe('writeEvents: the session totals', () => {
  test.each(['json', 'copy', 'values'] as const)(
    'sessions written over several flushes via %s equal SQL over usage_events; replays add nothing',
    async (method) => {
      await db.sql`truncate usage_events, usage_rollup_hourly, usage_sessions, exchange_bodies`
      const rows = makeRecords(300, { seed: 7 }).map(toCells)
      for (let i = 0; i < rows.length; i += 70)
        expect((await writeEvents(db.sql, rows.slice(i, i + 70), method)).via).toBe(method)
      const before = await db.sql`select * from usage_sessions order by session`
      expect(before.length).toBe(5)
      await expectRollupsMatchEvents(db.sql)
      expect((await writeEvents(db.sql, rows.slice(0, 100), method)).inserted).toBe(0)
      expect(await db.sql`select * from usage_sessions order by session`).toEqual(before)
    },
  )
})
