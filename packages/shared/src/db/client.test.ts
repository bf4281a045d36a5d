import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { connect } from './client.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
})
afterAll(async () => {
  await db.drop()
})

describe('connect', () => {
  test('readOnly pools refuse writes (the dashboard connects this way)', async () => {
    const ro = connect(db.url, { readOnly: true, max: 1, applicationName: 'tokentap-test' })
    try {
      expect(
        (await ro.sql`show default_transaction_read_only`)[0]?.default_transaction_read_only,
      ).toBe('on')
      await expect(
        ro.sql`insert into alerts_sent (budget, window_start, threshold) values ('b', now(), 1)`,
      ).rejects.toThrow('read-only transaction')
      const rows = await ro.sql`select count(*)::int as n from usage_events`
      expect(rows[0]?.n).toBe(0)
    } finally {
      await ro.sql.end()
    }
  })
})
