import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AccountLimits } from '@tokentap/shared/accounts'
import { testContext } from '../cli/testing/context.ts'
import { main } from '../main.ts'
import { writeState } from '../state/state.ts'
import { LIMITS } from '../top/testing/api-data.ts'
import { parseMetrics } from './status-report.ts'

const home = mkdtempSync(join(tmpdir(), 'tt-status-'))
let metrics = ''
let dbHealth: { status: string; database: string } = { status: 'ok', database: 'ok' }
let limitsBody: unknown = { now: '2026-11-23T12:00:00.000Z', accounts: [] }
let proxy: ReturnType<typeof Bun.serve>
let dashboard: ReturnType<typeof Bun.serve>

const METRICS = (degraded: number, dropped = 0) => `# HELP x
tokentap_exchanges_total{provider="anthropic",outcome="ok"} 4
tokentap_db_queue_depth 2
tokentap_spool_bytes 2048
tokentap_db_degraded ${degraded}
tokentap_records_written 40
tokentap_records_spooled 0
tokentap_records_dropped ${dropped}
`

beforeAll(() => {
  proxy = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch(req) {
      const path = new URL(req.url).pathname
      if (path === '/health')
        return Response.json({ status: 'ok', uptimeSeconds: 5, connections: 1 })
      if (path === '/metrics') return new Response(metrics)
      return new Response('', { status: 404 })
    },
  })
  dashboard = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (req) =>
      new URL(req.url).pathname === '/api/limits'
        ? Response.json(limitsBody)
        : Response.json(dbHealth, { status: dbHealth.status === 'ok' ? 200 : 503 }),
  })
})
afterAll(async () => {
  await proxy.stop(true)
  await dashboard.stop(true)
  rmSync(home, { recursive: true, force: true })
})

const env = () => ({
  TOKENTAP_HOME: home,
  PROXY_PORT: String(proxy.port),
  DASHBOARD_PORT: String(dashboard.port),
  // Must not be used for our own loopback calls.
  HTTP_PROXY: 'http://127.0.0.1:9',
})

describe('tokentap status', () => {
  test('all up: exit 0, one line per part', async () => {
    metrics = METRICS(0)
    dbHealth = { status: 'ok', database: 'ok' }
    const ctx = testContext(env())
    expect(await main(['status'], ctx)).toBe(0)
    const text = ctx.output()
    expect(text).toContain(`proxy      ok  http://127.0.0.1:${proxy.port}  (up 5 s, 1 connections)`)
    expect(text).toContain(`dashboard  ok  http://127.0.0.1:${dashboard.port}`)
    expect(text).toContain('database   ok')
    expect(text).toContain('recording  ok  40 written, queue 2, spool 2.0 KiB, dropped 0')
  })

  test('Postgres unreachable: recording degraded, exit 1; --json says why', async () => {
    metrics = METRICS(1)
    dbHealth = { status: 'degraded', database: 'unreachable: connection refused' }
    const ctx = testContext(env())
    expect(await main(['status'], ctx)).toBe(1)
    expect(ctx.output()).toContain('recording  degraded (Postgres unreachable')
    expect(ctx.output()).toContain('database   unreachable: connection refused')
    const j = testContext(env())
    expect(await main(['status', '--json'], j)).toBe(1)
    expect(JSON.parse(j.output())).toMatchObject({
      ok: false,
      proxy: { ok: true },
      dashboard: { ok: false },
      recording: { ok: false, queueDepth: 2 },
    })
  })

  test('the state file of a running up names the addresses', async () => {
    metrics = METRICS(0)
    dbHealth = { status: 'ok', database: 'ok' }
    writeState(join(home, 'up.json'), {
      pid: process.pid,
      startedAt: '2026-11-23T10:00:00.000Z',
      proxy: { host: '127.0.0.1', port: proxy.port ?? 0 },
      dashboard: { host: '127.0.0.1', port: dashboard.port ?? 0 },
      caCert: '/x/ca.pem',
      logFile: '/x/logs/tokentap.log',
      embeddedDataDir: null,
    })
    const ctx = testContext({ TOKENTAP_HOME: home, PROXY_PORT: '1', DASHBOARD_PORT: '1' })
    try {
      expect(await main(['status'], ctx)).toBe(0)
      expect(ctx.output()).toContain(
        `tokentap   up (pid ${process.pid} since 2026-11-23T10:00:00.000Z)`,
      )
    } finally {
      rmSync(join(home, 'up.json'))
    }
  })

  test('nothing running: exit 1 and how to start it', async () => {
    const ctx = testContext({ TOKENTAP_HOME: home, PROXY_PORT: '1', DASHBOARD_PORT: '1' })
    expect(await main(['status', '--timeout', '1000'], ctx)).toBe(1)
    expect(ctx.output()).toMatch(/^proxy {6}down \(/m)
    expect(ctx.output()).toContain('start it with `tokentap up`')
  })

  test('accounts at or near a limit are listed; the exit code does not depend on them', async () => {
    metrics = METRICS(0)
    dbHealth = { status: 'ok', database: 'ok' }
    // As of the test clock (12:00 UTC): a 5-hour window at 97 %, reset at 15:00.
    const near: AccountLimits = {
      ...LIMITS[0]!,
      windows: {
        'unified-5h': { ...LIMITS[0]!.windows['unified-5h']!, resetAt: '2026-11-23T15:00:00.000Z' },
      },
    }
    limitsBody = { now: '2026-11-23T12:00:00.000Z', accounts: [near, LIMITS[1]] }
    try {
      const ctx = testContext(env())
      expect(await main(['status'], ctx)).toBe(0)
      const text = ctx.output()
      expect(text).toContain('limits     2 accounts · 0 at a limit · 1 near one')
      expect(text).toContain('!  feedc0de anthropic subscription alice')
      expect(text).toMatch(/5-hour\s+█{10}\s+97% {2}resets \d\d:00 \(in 3 h\)/)
      expect(text).not.toContain('aaaa0000') // an account in good standing is not listed
      const j = testContext(env())
      expect(await main(['status', '--json'], j)).toBe(0)
      expect(JSON.parse(j.output()).limits.accounts).toHaveLength(2)
    } finally {
      limitsBody = { now: '2026-11-23T12:00:00.000Z', accounts: [] }
    }
  })

  test('metrics parsing keeps unlabelled samples', () => {
    const m = parseMetrics(METRICS(1, 3))
    expect(m.get('tokentap_db_degraded')).toBe(1)
    expect(m.get('tokentap_records_dropped')).toBe(3)
    expect(m.has('tokentap_exchanges_total')).toBe(false)
  })
})
