// `tokentap top` against a fake dashboard serving the JSON API and the SSE feed on loopback:
// one screen with --once (bearer key sent), the live feed delivering a usage row, and a
// clear failure when the dashboard wants a key.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { EventRow } from '@tokentap/shared/api'
import { testContext } from '../src/cli/testing/context.ts'
import { main } from '../src/main.ts'
import { followStream } from '../src/top/stream.ts'
import { BY_MODEL, BY_PROGRAM, event, LIMITS, SUMMARY } from '../src/top/testing/api-data.ts'

const KEY = 'k'.repeat(32)
let server: ReturnType<typeof Bun.serve>
let home: string
const seen: { path: string; auth: string | null }[] = []

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'tt-top-'))
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const url = new URL(req.url)
      seen.push({ path: `${url.pathname}${url.search}`, auth: req.headers.get('authorization') })
      if (req.headers.get('authorization') !== `Bearer ${KEY}`) {
        return Response.json({ error: 'unauthorized' }, { status: 401 })
      }
      const by = url.searchParams.get('by')
      switch (url.pathname) {
        case '/api/summary':
          return Response.json(SUMMARY)
        case '/api/breakdown':
          return Response.json(by === 'model' ? BY_MODEL : BY_PROGRAM)
        case '/api/events':
          return Response.json({ events: [event('e1')], nextCursor: null })
        case '/api/limits':
          return Response.json({ now: new Date().toISOString(), accounts: LIMITS })
        case '/api/stream': {
          const row = event('live-1', { model: 'gemini-2.5-pro', program: 'gemini-cli' })
          const body = new ReadableStream({
            start(c) {
              c.enqueue(new TextEncoder().encode(': hi\n\nevent: ping\ndata: {}\n\n'))
              c.enqueue(new TextEncoder().encode(`event: usage\ndata: ${JSON.stringify(row)}\n\n`))
            },
          })
          return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
        }
      }
      return new Response('not found', { status: 404 })
    },
  })
})

afterAll(async () => {
  await server.stop(true)
  rmSync(home, { recursive: true, force: true })
})

const env = (extra: Record<string, string> = {}) => ({
  TOKENTAP_HOME: home,
  DASHBOARD_PORT: String(server.port),
  ...extra,
})

describe('tokentap top', () => {
  test('--once renders the API data, sending the bearer key', async () => {
    const ctx = testContext(env({ DASHBOARD_API_KEY: KEY }))
    expect(await main(['top', '--once'], ctx)).toBe(0)
    const text = ctx.output()
    expect(text).toContain('billed $0.7345')
    expect(text).toContain('feedc0de anthropic subscription alice')
    expect(text).toMatch(/7-day\s+█+░+\s+41% {2}resets/)
    expect(text).toMatch(/^claude-sonnet-4-5\s+10\s/m)
    expect(text).toMatch(/^claude-cli\s+12\s/m)
    expect(text).toMatch(/claude-cli\s+claude-sonnet-4-5\s+200 in 1,200 out 56/)
    const paths = seen.map((s) => s.path).sort()
    expect(paths).toEqual([
      '/api/breakdown?by=model&range=today',
      '/api/breakdown?by=program&range=today',
      '/api/events?limit=20',
      '/api/limits',
      '/api/summary?range=today',
    ])
    expect(seen.every((s) => s.auth === `Bearer ${KEY}`)).toBe(true)
  })

  test('the live feed delivers usage rows and reports the connection', async () => {
    const got: EventRow[] = []
    const live: boolean[] = []
    const abort = new AbortController()
    const done = followStream(
      {
        base: `http://127.0.0.1:${server.port}`,
        headers: { authorization: `Bearer ${KEY}` },
        range: 'today',
        timeoutMs: 5000,
      },
      {
        onEvent(e) {
          got.push(e)
          abort.abort()
        },
        onLive: (l) => live.push(l),
      },
      abort.signal,
      50,
    )
    await done
    expect(got.map((e) => [e.id, e.model])).toEqual([['live-1', 'gemini-2.5-pro']])
    expect(live[0]).toBe(true)
  }, 30_000)

  test('without the key: exit 1 and a message naming DASHBOARD_API_KEY', async () => {
    const ctx = testContext(env())
    expect(await main(['top', '--once'], ctx)).toBe(1)
    expect(ctx.stderr.join('')).toContain('DASHBOARD_API_KEY')
  })
})
