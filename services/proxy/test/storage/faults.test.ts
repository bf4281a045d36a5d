// Storage under faults, on the embedded Postgres: stop it while records keep coming and restart
// it (everything lands exactly once, rollups exact, spool emptied); corrupt spool lines are set
// aside and logged; close() with Postgres down leaves all in the spool for the next sink.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  canControlServer,
  makeRecords,
  startServer,
  stopServer,
  type TestDatabase,
  testDatabase,
} from '@tokentap/testing'
import { createPostgresSink, type PostgresSinkOptions } from '../../src/sink/postgres.ts'
import {
  bare,
  captureLog,
  expectExactlyOnce,
  expectRollupsMatchEvents,
  waitFor,
} from './helpers.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await testDatabase()
}, 30_000)
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
  await startServer().catch(() => undefined) // a failed test must not leave it stopped
  await db?.drop()
})

const reset = () =>
  db.sql`truncate usage_events, usage_rollup_hourly, usage_sessions, exchange_bodies`
const dirs: string[] = []
const newDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tokentap-spool-'))
  dirs.push(d)
  return d
}
const segments = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('spool-'))
const opts = (dir: string, o: Partial<PostgresSinkOptions> = {}): PostgresSinkOptions => ({
  sql: db.sql,
  spoolDir: dir,
  log: captureLog(),
  batchSize: 50,
  intervalMs: 25,
  retryMinMs: 25,
  retryMaxMs: 200,
  flushTimeoutMs: 5000,
  ...o,
})

describe.skipIf(!canControlServer())('postgres sink under faults', () => {
  test('Postgres stops and restarts under load: every record once, rollups exact, spool gone', async () => {
    await reset()
    const dir = newDir()
    const log = captureLog()
    const sink = createPostgresSink(opts(dir, { log }))
    const all = makeRecords(1000, { seed: 21 })
    let stopped: Promise<void> | null = null
    let restarted: Promise<void> | null = null
    for (let batch = 0; batch < 20; batch++) {
      for (const r of all.slice(batch * 50, batch * 50 + 50)) sink.write(bare(r))
      if (batch === 5) stopped = stopServer()
      if (batch === 12)
        restarted = (async () => {
          await stopped
          await startServer()
        })()
      await Bun.sleep(100)
    }
    await restarted
    await waitFor('spool replayed', () => !sink.metrics().degraded && segments(dir).length === 0)
    await sink.close()
    const m = sink.metrics()
    expect(m.recordsSpooled).toBeGreaterThan(0) // the outage really happened mid-stream
    expect(m.recordsDropped).toBe(0)
    expect(sink.pending()).toBe(0)
    await expectExactlyOnce(
      db.sql,
      all.map((r) => r.id),
    )
    await expectRollupsMatchEvents(db.sql)
    expect(segments(dir)).toEqual([])
    expect(log.lines.some((l) => l.includes('spooling'))).toBe(true)
    expect(log.lines.some((l) => l.includes('postgres is back'))).toBe(true)
  }, 30_000)

  test('close() with Postgres down leaves everything in the spool; the next sink replays it', async () => {
    await reset()
    const dir = newDir()
    const records = makeRecords(120, { seed: 23 })
    await stopServer()
    try {
      const sink = createPostgresSink(opts(dir))
      for (const r of records) sink.write(bare(r))
      await sink.close()
      expect(sink.metrics()).toMatchObject({ recordsSpooled: 120, recordsWritten: 0 })
      const spooled = segments(dir)
        .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n'))
        .filter(Boolean)
      expect(spooled.map((l) => JSON.parse(l).id).sort()).toEqual(records.map((r) => r.id).sort())
    } finally {
      await startServer()
    }
    const next = createPostgresSink(opts(dir))
    await waitFor('replay by the next sink', () => segments(dir).length === 0)
    await next.close()
    expect(next.metrics().recordsReplayed).toBe(120)
    await expectExactlyOnce(
      db.sql,
      records.map((r) => r.id),
    )
    await expectRollupsMatchEvents(db.sql)
  })
})

describe('postgres sink spool', () => {
  test('a corrupt spool line is set aside and logged, the good ones replayed', async () => {
    await reset()
    const dir = newDir()
    mkdirSync(dir, { recursive: true })
    const good = makeRecords(3, { seed: 22 })
    const lines = [
      JSON.stringify(good[0]),
      'this is not json',
      JSON.stringify(good[1]),
      '{"no":"id"}',
      JSON.stringify(good[2]),
      '{"id":"torn',
    ]
    writeFileSync(join(dir, 'spool-0000000000001-000000-abcd.jsonl'), `${lines.join('\n')}`)
    const log = captureLog()
    const sink = createPostgresSink(opts(dir, { log }))
    await waitFor('startup replay', () => segments(dir).length === 0)
    await sink.close()
    await expectExactlyOnce(
      db.sql,
      good.map((r) => r.id),
    )
    const aside = readdirSync(dir).filter((f) => f.startsWith('corrupt-'))
    expect(aside.length).toBe(1)
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toBe(
      `${['this is not json', '{"no":"id"}', '{"id":"torn'].join('\n')}\n`,
    )
    expect(sink.metrics().recordsCorrupt).toBe(3)
    expect(log.lines.some((l) => l.startsWith('warn') && l.includes('set aside'))).toBe(true)
  })
})
