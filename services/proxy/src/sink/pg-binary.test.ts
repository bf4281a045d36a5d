// Binary COPY cells: exact where encoded (the same rows as the JSON method stores, edge values
// included), refused where Postgres might read the text otherwise, and a COPY Postgres rejects
// comes back as the JSON method's error instead of hanging.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { EVENT_COLUMNS, ensurePartitions, monthOf } from '@tokentap/shared/db'
import { makeRecords, type TestDatabase, testDatabase } from '@tokentap/testing'
import { encodeCopyBinary, timestampMicros } from './pg-binary.ts'
import { type Cell, toCells } from './pg-rows.ts'
import { isDataError, writeEvents } from './pg-write.ts'

const col = (key: string): number => EVENT_COLUMNS.findIndex((c) => c.key === key)
const withCell = (cells: Cell[], key: string, v: Cell): Cell[] => {
  const out = [...cells]
  out[col(key)] = v
  return out
}

describe('binary cells', () => {
  test('timestamps: microseconds since 2000-01-01, only for the ISO …Z form', () => {
    expect(timestampMicros('2000-01-01T00:00:00Z')).toBe(0)
    expect(timestampMicros('2000-01-01T00:00:00.000001Z')).toBe(1)
    expect(timestampMicros('1999-12-31T23:59:59.5Z')).toBe(-500_000)
    expect(timestampMicros('2026-01-15T10:11:12.345Z')).toBe(
      (Date.parse('2026-01-15T10:11:12.345Z') - Date.parse('2000-01-01T00:00:00Z')) * 1000,
    )
    for (const odd of [
      '2026-02-30T00:00:00Z', // Postgres refuses it; Date.UTC would roll it into March
      '2026-01-15T24:00:00Z', // Postgres reads the next day
      '2026-01-15T10:11:60Z',
      '2026-01-15T10:11:12.1234567Z', // Postgres rounds past microseconds
      '2026-01-15 10:11:12Z',
      '2026-01-15T10:11:12+02:00',
      '2026-01-15T10:11:12',
      '0099-01-01T00:00:00Z',
    ]) {
      expect({ odd, us: timestampMicros(odd) }).toEqual({ odd, us: null })
    }
  })

  test('a batch with a cell without an exact binary form is left to the JSON method', () => {
    const [r] = makeRecords(1, { seed: 9 })
    const cells = toCells(r!)
    expect(encodeCopyBinary([cells])).not.toBeNull()
    for (const [key, v] of [
      ['startedAt', '2026-01-15T10:11:12+02:00'],
      ['costUsd', '1e-7'],
      ['id', '{0190f5a8-7b3c-7def-8123-456789abcdef}'],
      ['durationMs', 2 ** 31],
      ['requestBytes', 2 ** 53],
    ] as const) {
      expect({ key, data: encodeCopyBinary([withCell(cells, key, v)]) }).toEqual({
        key,
        data: null,
      })
    }
  })
})

describe('binary COPY against Postgres', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await testDatabase()
    await ensurePartitions(db.sql, [monthOf(Date.parse('2026-01-15T00:00:00Z'))])
  }, 30_000)
  afterAll(async () => {
    await db?.drop()
  })
  const rows = async (): Promise<unknown[]> =>
    (
      await db.sql<{ j: unknown }[]>`
        select to_jsonb(e) - 'recorded_at' as j from usage_events e order by id`
    ).map((r) => r.j)

  test('stores exactly the rows the JSON method stores, edge values included', async () => {
    const base = makeRecords(40, { seed: 21, mixed: 0.5 }).map(toCells)
    const edges: [string, Cell][] = [
      ['costUsd', '0'],
      ['costUsd', '-0.0'],
      ['costUsd', '0.00000001'],
      ['costUsd', '123456.123456789'], // more decimals than numeric(14,8) keeps: rounded alike
      ['costUsd', '-42.5'],
      ['credits', '100000000000000000000.000000000000000000001'],
      ['credits', '0.1000'],
      ['credits', '10000'],
      ['inputTokens', 9_007_199_254_740_991],
      ['outputTokens', -1],
      ['durationMs', -(2 ** 31)],
      ['startedAt', '2026-01-31T23:59:59.999999Z'],
      ['startedAt', '2026-01-01T00:00:00Z'],
      ['error', 'émoji 🎉 \\ "q" , \n\t'],
      ['rawUsage', '{"a":"ü \\u00e9 🎉","n":1e+21,"z":-0.5,"x":[true,null]}'],
      ['path', ''],
    ]
    const batch = base.map((cells, i) => {
      const e = edges[i % edges.length]!
      return i < edges.length ? withCell(cells, e[0], e[1]) : cells
    })
    expect(encodeCopyBinary(batch)).not.toBeNull()

    await db.sql`truncate usage_events, usage_rollup_hourly`
    expect((await writeEvents(db.sql, batch, 'json')).inserted).toBe(40)
    const viaJson = await rows()
    await db.sql`truncate usage_events, usage_rollup_hourly`
    expect(await writeEvents(db.sql, batch, 'copy')).toMatchObject({ inserted: 40, via: 'copy' })
    expect(await rows()).toEqual(viaJson)
    // A replay: COPY refuses the stored rows, the batch goes as JSON and inserts nothing.
    expect(await writeEvents(db.sql, batch, 'copy')).toMatchObject({ inserted: 0, via: 'json' })
    expect(await writeEvents(db.sql, batch, 'json')).toMatchObject({ inserted: 0, via: 'json' })
    // Half old, half new: the new half is inserted, once.
    const more = makeRecords(10, { seed: 24 }).map(toCells)
    const mixed = [...batch.slice(0, 10), ...more]
    expect(await writeEvents(db.sql, mixed, 'copy')).toMatchObject({ inserted: 10, via: 'json' })
    expect(
      await writeEvents(db.sql, makeRecords(5, { seed: 25 }).map(toCells), 'copy'),
    ).toMatchObject({
      inserted: 5,
      via: 'copy',
    })
  })

  test('a COPY Postgres refuses is retried as JSON: its data error comes back, nothing hangs', async () => {
    await db.sql`truncate usage_events, usage_rollup_hourly`
    const [r] = makeRecords(1, { seed: 22 })
    const bad = withCell(toCells(r!), 'rawUsage', '{"unterminated": ')
    expect(encodeCopyBinary([bad])).not.toBeNull()
    const err = await writeEvents(db.sql, [bad], 'copy').catch((e: unknown) => e)
    expect(isDataError(err)).toBe(true)
    // The connection is usable afterwards: a good batch goes through COPY.
    const good = makeRecords(3, { seed: 23 }).map(toCells)
    expect(await writeEvents(db.sql, good, 'copy')).toMatchObject({ inserted: 3, via: 'copy' })
  })
})
