import { describe, expect, test } from 'bun:test'
import type { EventRow } from '@tokentap/shared/api'
import { createDashboardApp, LOCAL_CONFIG } from '../app.ts'
import { parseFilters } from '../data/filters.ts'
import { eventRow, fakeData } from '../pages/testing/fake-data.ts'
import { NOW } from '../pages/testing/pages.ts'
import type { LiveHub, Subscriber } from './hub.ts'
import { isRepriceNotice, parsePayload } from './listener.ts'
import type { OutboxLimits } from './outbox.ts'
import { matches, usageEvent } from './sse.ts'

const now = new Date('2026-01-17T15:20:00Z')
const row = {
  id: '0190c3a0-0000-7000-8000-000000000001',
  startedAt: '2026-01-17T15:00:00.000Z',
  provider: 'openai',
  model: 'gpt-5',
  user: null,
  project: 'search',
  program: 'codex',
  outcome: 'ok',
  stream: true,
  session: 's-1',
} as EventRow

describe('live filters', () => {
  test('same semantics as the event log', () => {
    const m = (q: Record<string, string>) => matches(row, parseFilters(q, { now }))
    expect(m({})).toBe(true)
    expect(m({ provider: 'openai', project: 'search', user: '(none)' })).toBe(true)
    expect(m({ user: 'alice' })).toBe(false)
    expect(m({ outcome: 'failed' })).toBe(false)
    expect(m({ stream: 'false' })).toBe(false)
    expect(m({ session: 's-1' })).toBe(true)
    expect(m({ session: 's-2' })).toBe(false)
    expect(m({ from: '2026-01-17T15:00:01Z', to: '2026-01-18' })).toBe(false)
  })
  test('one SSE event per row', () => {
    expect(usageEvent(row)).toBe(`id: ${row.id}\nevent: usage\ndata: ${JSON.stringify(row)}\n\n`)
  })
  test('NOTIFY payloads', () => {
    expect(parsePayload('{"count":2,"firstId":"a","lastId":"b"}')).toEqual({
      count: 2,
      firstId: 'a',
      lastId: 'b',
    })
    expect(parsePayload('nope')).toBeNull()
    expect(parsePayload('{"count":1}')).toBeNull()
    // `tokentap reprice`'s notice is not a row range
    expect(parsePayload('{"repriced":4}')).toBeNull()
    expect(isRepriceNotice('{"repriced":4}')).toBe(true)
    expect(isRepriceNotice('{"count":2,"firstId":"a","lastId":"b"}')).toBe(false)
    expect(isRepriceNotice('null')).toBe(false)
    expect(isRepriceNotice('nope')).toBe(false)
  })
})

/** A hub whose rows the test pushes by hand. */
function handHub() {
  const subs = new Set<Subscriber>()
  const hub: LiveHub = {
    subscribe(fn) {
      subs.add(fn)
      return () => {
        subs.delete(fn)
      }
    },
    subscribers: () => subs.size,
    repriced: () => {},
    notify: () => {},
    listening: () => {},
    idle: async () => {},
  }
  let n = 0
  const push = (count: number): void => {
    for (let i = 0; i < count; i++) {
      n++
      const id = `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`
      for (const fn of subs) fn(eventRow({ id, startedAt: '2026-01-15T11:00:00.000Z' }))
    }
  }
  return { hub, push }
}

function streamApp(opts: { maxStreams?: number; limits?: OutboxLimits } = {}) {
  const { hub, push } = handHub()
  const logs: string[] = []
  const app = createDashboardApp({
    data: fakeData(),
    now: () => NOW,
    config: { ...LOCAL_CONFIG, maxStreams: opts.maxStreams ?? 10 },
    hub,
    ...(opts.limits ? { streamLimits: opts.limits } : {}),
    log: (m) => logs.push(m),
  })
  const open = async () => {
    const ctl = new AbortController()
    const res = await app.request('/api/stream', { signal: ctl.signal })
    return { res, close: () => ctl.abort() }
  }
  return { app, hub, push, logs, open }
}

/** Reads a stream until `until` holds for the text so far, or the stream ends. */
async function readUntil(res: Response, until: (text: string) => boolean): Promise<string> {
  const reader = res.body!.getReader()
  const dec = new TextDecoder()
  let text = ''
  while (!until(text)) {
    const { done, value } = await reader.read()
    if (done) break
    text += dec.decode(value, { stream: true })
  }
  reader.releaseLock()
  return text
}
const usageCount = (text: string): number => text.split('event: usage\n').length - 1

describe('live stream bounds (issue 13 §5)', () => {
  test('over DASHBOARD_MAX_STREAMS: 503 with Retry-After; a closed stream frees its slot', async () => {
    const s = streamApp({ maxStreams: 2 })
    const one = await s.open()
    const two = await s.open()
    expect([one.res.status, two.res.status]).toEqual([200, 200])
    const over = await s.open()
    expect(over.res.status).toBe(503)
    expect(over.res.headers.get('retry-after')).toBe('10')
    expect(((await over.res.json()) as { error: string }).error).toBe('too_many_streams')
    expect(s.logs).toEqual(['dashboard: live stream refused: 2 open, DASHBOARD_MAX_STREAMS is 2'])
    one.close()
    const again = await s.open()
    expect(again.res.status).toBe(200)
    two.close()
    again.close()
    expect(s.hub.subscribers()).toBe(0)
  })

  test('a slow subscriber is dropped with a final reconnect event, and unsubscribed', async () => {
    const s = streamApp({ limits: { maxEvents: 10, maxBytes: 1 << 20 } })
    const { res } = await s.open()
    expect(s.hub.subscribers()).toBe(1)
    // Nobody reads: the retry hint and 9 rows fill the backlog, the 10th row overflows it.
    s.push(10)
    expect(s.hub.subscribers()).toBe(0)
    expect(s.logs).toHaveLength(1)
    expect(s.logs[0]).toStartWith('dashboard: live stream dropped: its reader fell 10 events')
    const text = await readUntil(res, () => false)
    // Only the final event: the backlog was discarded (the client catches up by Last-Event-ID).
    expect(text).toMatch(
      /^event: reconnect\ndata: \{"reason":"too far behind","events":10,"bytes":\d+\}\n\n$/,
    )
  })

  test('the byte bound drops a subscriber too', async () => {
    const s = streamApp({ limits: { maxEvents: 1_000, maxBytes: 4_000 } })
    const { res } = await s.open()
    s.push(6) // ~800 bytes each
    expect(s.hub.subscribers()).toBe(0)
    expect(await readUntil(res, () => false)).toStartWith(
      'event: reconnect\ndata: {"reason":"too far behind"',
    )
  })

  test('a reader that keeps up is never dropped, however many events pass', async () => {
    const s = streamApp({ limits: { maxEvents: 10, maxBytes: 1 << 20 } })
    const { res, close } = await s.open()
    let seen = 0
    for (let round = 1; round <= 5; round++) {
      s.push(8)
      const text = await readUntil(res, (t) => usageCount(t) >= 8)
      seen += usageCount(text)
    }
    expect(seen).toBe(40)
    expect(s.hub.subscribers()).toBe(1)
    expect(s.logs).toEqual([])
    close()
  })
})
