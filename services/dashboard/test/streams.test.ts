// The live stream's bounds over a real socket (Bun.serve): a client that stops reading while
// rows keep coming is dropped once its backlog passes the bound — Bun only pulls as fast as the
// socket drains — and, when it reads again, finds the final `event: reconnect` and the end of
// the stream. No database: a hand-fed hub and fake data.

import { afterAll, expect, test } from 'bun:test'
import * as net from 'node:net'
import { createDashboardApp, LOCAL_CONFIG } from '../src/app.ts'
import type { LiveHub, Subscriber } from '../src/live/hub.ts'
import { eventRow, fakeData } from '../src/pages/testing/fake-data.ts'
import { NOW } from '../src/pages/testing/pages.ts'

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
const logs: string[] = []
const app = createDashboardApp({
  data: fakeData(),
  now: () => NOW,
  config: { ...LOCAL_CONFIG, maxStreams: 4 },
  hub,
  streamLimits: { maxEvents: 500, maxBytes: 256 * 1024 },
  log: (m) => logs.push(m),
})
const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: app.fetch })
afterAll(() => server.stop(true))

let n = 0
const push = (count: number): void => {
  for (let i = 0; i < count; i++) {
    n++
    const id = `0197a000-0000-7000-8000-${String(n).padStart(12, '0')}`
    for (const fn of subs) fn(eventRow({ id, startedAt: '2026-01-15T11:00:00.000Z' }))
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1_000 && !cond(); i++) await Bun.sleep(10)
  if (!cond()) throw new Error(`timed out waiting for ${what}`)
}

test('a client that stops reading is dropped (issue 13 §5) and reads a final reconnect event', async () => {
  let received = ''
  const socket = net.connect(server.port!, '127.0.0.1')
  socket.setEncoding('latin1')
  socket.on('data', (d: string) => {
    received += d
  })
  await new Promise<void>((r) => socket.once('connect', () => r()))
  socket.write(`GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`)
  await until(() => received.includes(': connected'), 'the stream to open')
  expect(subs.size).toBe(1)

  // While it reads, a burst far above the bound in total goes through.
  for (let i = 0; i < 10; i++) {
    push(100)
    await until(() => received.split('event: usage').length - 1 >= n, 'rows to arrive')
  }
  expect(logs).toEqual([])

  // It stops reading: kernel buffers fill, Bun stops pulling, the backlog grows past the bound.
  socket.pause()
  for (let i = 0; i < 2_000 && subs.size > 0; i++) {
    push(50)
    await Bun.sleep(1)
  }
  expect(subs.size).toBe(0)
  expect(logs).toHaveLength(1)
  expect(logs[0]).toStartWith('dashboard: live stream dropped: its reader fell ')

  socket.resume()
  // The response ends (its last chunk) while the connection may stay open for the next request.
  await until(() => received.endsWith('\r\n0\r\n\r\n'), 'the stream to end')
  // (Booleans, not the text: a failure would print megabytes.)
  expect(/transfer-encoding: chunked/i.test(received)).toBe(true)
  const events = received
    .slice(-2_000)
    .split('\n\n')
    .filter((e) => e.includes('event: '))
  expect(events.at(-1)).toContain('event: reconnect')
  expect(events.at(-1)).toContain('"reason":"too far behind"')
  socket.destroy()
})
