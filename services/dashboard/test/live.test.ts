// LISTEN → hub → SSE against a real Postgres: a row inserted and notified reaches /api/stream
// as one `usage` event (deduped across overlapping notifies, filtered per stream); after the
// LISTEN connection is killed or the whole server restarts, the feed re-LISTENs and catches up
// on rows committed while it was down.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { EventRow } from '@tokentap/shared/api'
import { USAGE_CHANNEL } from '@tokentap/shared/db'
import {
  canControlServer,
  insertRecords,
  startServer,
  stopServer,
  type TestDatabase,
  testDatabase,
} from '@tokentap/testing'
import { createDashboardApp } from '../src/app.ts'
import { createDataAccess } from '../src/data/index.ts'
import { type Live, listenClient, startLive } from '../src/live/index.ts'
import { record } from './seed.ts'

const APP_NAME = 'tokentap-dashboard-listen-test'
let db: TestDatabase
let live: Live
let app: ReturnType<typeof createDashboardApp>
const errors: string[] = []

beforeAll(async () => {
  db = await testDatabase()
  live = startLive({
    sql: db.sql,
    open: listenClient(db.url, APP_NAME),
    onError: (e) => errors.push(e.message),
    heartbeatMs: 500,
  })
  app = createDashboardApp({ data: createDataAccess(db.sql), hub: live.hub, heartbeatMs: 200 })
  await until(() => live.listener.listening())
}, 60_000)
afterAll(async () => {
  await live?.stop()
  await db?.drop()
})

async function until(cond: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (cond()) return
    await Bun.sleep(50)
  }
  throw new Error(`timed out waiting for ${what}`)
}

interface Sse {
  events: Array<{ event: string; id: string; data: string }>
  raw: string
  close(): void
}

/** Opens /api/stream and collects its events in the background. */
async function openStream(
  query = '',
  headers: Record<string, string> = {},
  on = app,
): Promise<Sse> {
  const ctl = new AbortController()
  const res = await on.request(`/api/stream${query}`, { signal: ctl.signal, headers })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toStartWith('text/event-stream')
  const out: Sse = { events: [], raw: '', close: () => ctl.abort() }
  const reader = res.body!.getReader()
  const dec = new TextDecoder()
  ;(async () => {
    let buf = ''
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (done) return
      const text = dec.decode(value, { stream: true })
      out.raw += text
      buf += text
      let cut = buf.indexOf('\n\n')
      while (cut >= 0) {
        const block = buf.slice(0, cut)
        buf = buf.slice(cut + 2)
        const fields: Record<string, string> = {}
        for (const line of block.split('\n')) {
          const m = /^(\w+): ?(.*)$/.exec(line)
          if (m) fields[m[1]!] = m[2]!
        }
        if (fields.event)
          out.events.push({ event: fields.event, id: fields.id ?? '', data: fields.data ?? '' })
        cut = buf.indexOf('\n\n')
      }
    }
  })()
  return out
}

async function insertAndNotify(rows: ReturnType<typeof record>[], notify = true): Promise<void> {
  await insertRecords(db.sql, rows)
  if (!notify) return
  const ids = rows.map((r) => r.id).sort()
  const payload = JSON.stringify({
    count: rows.length,
    firstId: ids[0],
    lastId: ids[ids.length - 1],
  })
  await db.sql`select pg_notify(${USAGE_CHANNEL}, ${payload})`
}

const recent = (o: Parameters<typeof record>[0] = {}) =>
  record({ startedAt: new Date().toISOString(), ...o })

const usageIds = (s: Sse): string[] => s.events.filter((e) => e.event === 'usage').map((e) => e.id)

describe('live feed', () => {
  test('a notified row arrives as one usage event with the EventRow as JSON', async () => {
    const s = await openStream()
    try {
      const row = recent({ user: 'live-alice', costUsd: 0.125 })
      await insertAndNotify([row])
      await until(() => usageIds(s).includes(row.id), 'the usage event')
      const ev = s.events.find((e) => e.id === row.id)!
      const data = JSON.parse(ev.data) as EventRow
      expect(data.id).toBe(row.id)
      expect(data.user).toBe('live-alice')
      expect(data.costUsd).toBe(0.125)
      expect(s.raw).toStartWith('retry: ')
      await until(() => s.raw.includes(': ping'), 'a heartbeat')
    } finally {
      s.close()
    }
  }, 30_000)

  test('overlapping notifies (replicas) deliver each row once; filters apply', async () => {
    const all = await openStream()
    const bobOnly = await openStream('?user=live-bob')
    try {
      const a = recent({ user: 'live-bob' })
      const b = recent({ user: 'live-carol' })
      await insertAndNotify([a, b])
      const ids = [a.id, b.id].sort()
      await db.sql`select pg_notify(${USAGE_CHANNEL}, ${JSON.stringify({ count: 2, firstId: ids[0], lastId: ids[1] })})`
      const c = recent({ user: 'live-bob' })
      await insertAndNotify([c])
      await until(() => usageIds(all).includes(c.id) && usageIds(bobOnly).includes(c.id))
      expect(usageIds(all)).toEqual([a.id, b.id, c.id].sort())
      expect(usageIds(bobOnly)).toEqual([a.id, c.id].sort())
    } finally {
      all.close()
      bobOnly.close()
    }
  }, 30_000)

  test('a reconnecting browser (Last-Event-ID) gets what it missed', async () => {
    const before = recent({ user: 'live-dan' })
    await insertAndNotify([before])
    await live.hub.idle()
    const missed = [recent({ user: 'live-dan' }), recent({ user: 'live-dan' })]
    await insertAndNotify(missed, false)
    const s = await openStream('', { 'last-event-id': before.id })
    try {
      await until(() => usageIds(s).length >= 2, 'the catch-up')
      expect(usageIds(s)).toEqual(missed.map((r) => r.id).sort())
    } finally {
      s.close()
    }
  }, 30_000)

  test('a notify arriving after the catch-up repeats neither the reconnect row nor caught-up rows', async () => {
    const before = recent({ user: 'live-erin' })
    const missed = [recent({ user: 'live-erin' }), recent({ user: 'live-erin' })]
    await insertAndNotify([before, ...missed], false)
    const s = await openStream('?user=live-erin', { 'last-event-id': before.id })
    try {
      await until(() => usageIds(s).length >= 2, 'the catch-up')
      // The late notify for all three rows (the hub has seen none of them yet).
      const late = recent({ user: 'live-erin' })
      const ids = [before.id, ...missed.map((r) => r.id)].sort()
      await db.sql`select pg_notify(${USAGE_CHANNEL}, ${JSON.stringify({ count: 3, firstId: ids[0], lastId: ids[2] })})`
      await insertAndNotify([late])
      await until(() => usageIds(s).includes(late.id), 'the next live row')
      expect(usageIds(s)).toEqual([...missed.map((r) => r.id), late.id].sort())
    } finally {
      s.close()
    }
  }, 30_000)

  test('a killed LISTEN connection re-listens and catches up on unnotified rows', async () => {
    const s = await openStream()
    try {
      await db.sql`select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = ${APP_NAME}`
      // Committed while the listener may be down, and never notified: only catch-up finds it.
      const row = recent({ user: 'live-erin' })
      await insertAndNotify([row], false)
      await until(() => usageIds(s).includes(row.id), 'the caught-up row')
      await until(() => live.listener.listening(), 're-listen')
      const after = recent({ user: 'live-erin' })
      await insertAndNotify([after])
      await until(() => usageIds(s).includes(after.id), 'a row after re-listen')
      expect(usageIds(s).filter((id) => id === row.id)).toHaveLength(1)
    } finally {
      s.close()
    }
  }, 30_000)

  test.skipIf(!canControlServer())(
    'survives a Postgres restart',
    async () => {
      const s = await openStream()
      try {
        await stopServer()
        await until(() => !live.listener.listening(), 'the listener to notice')
        await startServer()
        await until(() => live.listener.listening(), 're-listen after restart')
        const row = recent({ user: 'live-frank' })
        await insertAndNotify([row])
        await until(() => usageIds(s).includes(row.id), 'a row after the restart')
      } finally {
        s.close()
      }
    },
    60_000,
  )

  test('a closed stream unsubscribes', async () => {
    const s = await openStream()
    await until(() => live.hub.subscribers() >= 1)
    const n = live.hub.subscribers()
    s.close()
    await until(() => live.hub.subscribers() === n - 1, 'unsubscribe')
  }, 30_000)

  test('a reprice notice: caches dropped, each stream told `repriced`; a row range is not', async () => {
    let gaps = 0
    const own = startLive({
      sql: db.sql,
      open: listenClient(db.url, `${APP_NAME}-reprice`),
      onGap: () => gaps++,
    })
    const ownApp = createDashboardApp({ data: createDataAccess(db.sql), hub: own.hub })
    const s = await openStream('', {}, ownApp)
    try {
      await until(() => own.listener.listening(), 'listening')
      const first = gaps // the first LISTEN counts as a gap (nothing was heard before it)
      await db.sql`select pg_notify(${USAGE_CHANNEL}, '{"repriced":3}')`
      await until(() => gaps === first + 1, 'the reprice notice')
      await until(() => s.events.some((e) => e.event === 'repriced'), 'the repriced event')
      const r = recent()
      await insertAndNotify([r])
      await db.sql`select pg_notify(${USAGE_CHANNEL}, '{"repriced":1}')`
      await until(() => gaps === first + 2, 'the second notice')
      await until(() => s.events.filter((e) => e.event === 'repriced').length === 2, 'second')
      await own.hub.idle()
      expect(gaps).toBe(first + 2)
      // the row, then the notice that came after it, in that order
      expect(s.events.map((e) => e.event)).toEqual(['repriced', 'usage', 'repriced'])
      expect(s.events[0]?.data).toBe('{}')
    } finally {
      s.close()
      await own.stop()
    }
  }, 30_000)
})
