// The auth edges of issue 13 §5 through the app's routes (no database: fake data): the key-
// guessing limiter on the login form and on bearer keys (never a lock-out of the right key,
// 429 only for a flood), and the Host check against DNS rebinding (421), down to a real server.

import { describe, expect, test } from 'bun:test'
import { type AppConfig, createDashboardApp, LOCAL_CONFIG } from '../src/app.ts'
import { CSP } from '../src/auth/headers.ts'
import { createLoginLimiter, type LimiterOptions } from '../src/auth/rate-limit.ts'
import { SESSION_COOKIE } from '../src/auth/session.ts'
import { loadDashboardConfig } from '../src/config.ts'
import { fakeData } from '../src/pages/testing/fake-data.ts'
import { NOW } from '../src/pages/testing/pages.ts'
import { startDashboard } from '../src/server.ts'

const KEY = 'k3y-for-tests-0123456789abcdef'
const config: AppConfig = {
  apiKey: KEY,
  sessionSecret: 'session-secret-for-tests-0123',
  sessionTtlS: 3600,
  loginMaxFailures: 3,
  loginWindowS: 600,
}
const data = fakeData()
const now = (): Date => NOW

/** The key-guessing limiter on its own fake clock: its waits are recorded, not slept. */
function fakeLimiter(more: Partial<LimiterOptions> = {}) {
  const t = { now: 0, slept: [] as number[] }
  const limiter = createLoginLimiter({
    max: config.loginMaxFailures,
    windowS: config.loginWindowS,
    now: () => t.now,
    sleep: async (ms) => {
      t.slept.push(ms)
      t.now += ms
    },
    ...more,
  })
  return { limiter, t }
}

const makeApp = (limiter = fakeLimiter().limiter) =>
  createDashboardApp({
    data,
    config,
    now,
    clientAddress: (c) => c.req.header('x-test-client') ?? 'unknown',
    limiter,
    log: () => {},
  })

async function login(app: ReturnType<typeof makeApp>, key: string, client = '10.0.0.1') {
  return app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-client': client },
    body: new URLSearchParams({ key, next: '/events?range=30d' }).toString(),
  })
}

describe('key-guessing limiter on the routes (issue 13 §5)', () => {
  test('five wrong tries from one address do not lock the right key out (issue 13 §5)', async () => {
    // The default limiter, as served: everyone behind one reverse proxy shares 10.9.9.9.
    const app = createDashboardApp({
      data,
      config: { ...config, loginMaxFailures: 5 },
      now,
      clientAddress: (c) => c.req.header('x-test-client') ?? 'unknown',
      log: () => {},
    })
    for (let i = 0; i < 5; i++) expect((await login(app, 'wrong', '10.9.9.9')).status).toBe(401)
    const res = await login(app, KEY, '10.9.9.9')
    expect(res.status).toBe(303)
    expect(res.headers.get('set-cookie')).toContain(`${SESSION_COOKIE}=`)
  })

  test('many wrong tries only slow the address down; the right key still gets in', async () => {
    const { limiter, t } = fakeLimiter()
    const app = makeApp(limiter)
    for (let i = 0; i < 30; i++) expect((await login(app, 'wrong', '10.9.9.9')).status).toBe(401)
    expect(t.slept.length).toBeGreaterThan(20)
    expect(Math.max(...t.slept)).toBeLessThanOrEqual(10_000)
    t.slept.length = 0
    expect((await login(app, KEY, '10.9.9.9')).status).toBe(303)
    expect(t.slept.length).toBe(1) // it waited its turn like a wrong key would
  })

  test('wrong bearer keys are limited like the form (no unlimited guessing on the API)', async () => {
    const { limiter, t } = fakeLimiter()
    const app = makeApp(limiter)
    const bearer = (key: string) =>
      app.request('/api/summary', {
        headers: { authorization: `Bearer ${key}`, 'x-test-client': '10.7.7.7' },
      })
    for (let i = 0; i < 10; i++) expect((await bearer(`guess-${i}`)).status).toBe(401)
    expect(t.slept.length).toBeGreaterThan(5)
    expect((await bearer(KEY)).status).toBe(200)
    // The form counts the same failures.
    t.slept.length = 0
    expect((await login(app, 'wrong', '10.7.7.7')).status).toBe(401)
    expect(t.slept.length).toBe(1)
  })

  test('a guessing flood that fills the queue gets 429 + Retry-After (form and API)', async () => {
    const app = makeApp(fakeLimiter({ maxWaitMs: 0 }).limiter)
    for (let i = 0; i < 4; i++) await login(app, 'wrong', '10.9.9.9')
    const form = await login(app, KEY, '10.9.9.9')
    expect(form.status).toBe(429)
    expect(Number(form.headers.get('retry-after'))).toBeGreaterThan(0)
    const api = await app.request('/api/summary', {
      headers: { authorization: `Bearer ${KEY}`, 'x-test-client': '10.9.9.9' },
    })
    expect(api.status).toBe(429)
    expect(((await api.json()) as { error: string }).error).toBe('too_many_attempts')
    // Another address is unaffected while the total stays low.
    expect((await login(app, KEY, '10.1.1.1')).status).toBe(303)
  })
})

describe('Host check (issue 13 §5: DNS rebinding)', () => {
  const local = () =>
    createDashboardApp({ data, now, config: { ...LOCAL_CONFIG, host: '127.0.0.1' } })
  const get = (app: ReturnType<typeof local>, host: string, path = '/api/summary') =>
    app.request(`http://127.0.0.1:3000${path}`, { headers: { host } })

  test('local mode refuses a rebound name with 421, on every route', async () => {
    const app = local()
    for (const path of [
      '/api/summary',
      '/api/stream',
      '/',
      '/api/health',
      '/login',
      '/static/app.css',
    ]) {
      const r = await get(app, 'evil.example:3000', path)
      expect({ path, status: r.status }).toEqual({ path, status: 421 })
      expect(r.headers.get('content-security-policy')).toBe(CSP)
    }
    const r = await get(app, 'evil.example:3000')
    expect(await r.text()).toContain('DASHBOARD_ALLOWED_HOSTS')
    for (const host of [
      '0.0.0.0:3000',
      '127.0.0.1.evil.example',
      'localhost.evil.example',
      '',
      'a b',
      'x@localhost',
    ]) {
      expect({ host, status: (await get(app, host)).status }).toEqual({ host, status: 421 })
    }
  })

  test('local mode serves loopback names on any port', async () => {
    const app = local()
    for (const host of [
      'localhost:3000',
      'LOCALHOST',
      '127.0.0.1:3000',
      '127.0.0.2',
      '[::1]:3000',
      'tokentap.localhost:8080',
      'localhost.',
    ]) {
      expect({ host, status: (await get(app, host)).status }).toEqual({ host, status: 200 })
    }
  })

  test('DASHBOARD_ALLOWED_HOSTS adds names (a port pins it), with or without a key', async () => {
    const allowedHosts = loadDashboardConfig({
      DASHBOARD_ALLOWED_HOSTS: 'dash.internal, dash.example.com:8443',
    }).allowedHosts
    const open = createDashboardApp({ data, now, config: { ...LOCAL_CONFIG, allowedHosts } })
    expect((await get(open, 'dash.internal:3000')).status).toBe(200)
    expect((await get(open, 'dash.example.com:8443')).status).toBe(200)
    expect((await get(open, 'dash.example.com:3000')).status).toBe(421)
    const keyed = createDashboardApp({
      data,
      now,
      config: { ...config, allowedHosts },
      log: () => {},
    })
    expect((await get(keyed, 'evil.example')).status).toBe(421)
    expect((await get(keyed, 'dash.internal')).status).toBe(401)
    expect((await get(keyed, '127.0.0.1:3000', '/api/health')).status).toBe(200)
  })

  test('with a key and no list, any Host reaches the auth gate (reverse proxies keep working)', async () => {
    const app = makeApp()
    expect((await get(app, 'dash.team.example')).status).toBe(401)
    const ok = await app.request('http://127.0.0.1/api/summary', {
      headers: { host: 'dash.team.example', authorization: `Bearer ${KEY}` },
    })
    expect(ok.status).toBe(200)
  })

  test('a real server answers 421 to a request naming another host', async () => {
    const server = startDashboard(
      loadDashboardConfig({ DASHBOARD_HOST: '127.0.0.1', DASHBOARD_PORT: '0' }),
      {
        log: () => {},
      },
    )
    try {
      const raw = async (host: string): Promise<string> => {
        const got: string[] = []
        const socket = await Bun.connect({
          hostname: '127.0.0.1',
          port: server.port,
          socket: {
            data: (_s, d) => {
              got.push(d.toString())
            },
          },
        })
        socket.write(`GET /api/health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
        for (let i = 0; i < 200 && !got.join('').includes('\r\n\r\n'); i++) await Bun.sleep(10)
        socket.end()
        return got.join('').split('\r\n')[0] ?? ''
      }
      expect(await raw('evil.example')).toBe('HTTP/1.1 421 Misdirected Request')
      expect(await raw(`localhost:${server.port}`)).toBe('HTTP/1.1 200 OK')
    } finally {
      await server.stop()
    }
  })
})
