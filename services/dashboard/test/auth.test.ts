// Auth on every route: the test enumerates app.routes and checks each non-public one refuses
// without credentials (401 JSON for /api, redirect to /login for pages) and answers with a bearer
// key and with a session cookie. Forged and expired cookies, safe `next`, security headers, and
// the configuration refusals. The limiter and the Host check: auth-edges.test.ts.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ConfigError } from '@tokentap/shared'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { type AppConfig, createDashboardApp } from '../src/app.ts'
import { CSP } from '../src/auth/headers.ts'
import { createLoginLimiter, type LimiterOptions } from '../src/auth/rate-limit.ts'
import { SESSION_COOKIE, signSession } from '../src/auth/session.ts'
import { loadDashboardConfig } from '../src/config.ts'
import { createDataAccess } from '../src/data/index.ts'
import type { DataAccess } from '../src/data/types.ts'
import { SEED_NOW, type Seeded, seed } from './seed.ts'

const KEY = 'k3y-for-tests-0123456789abcdef'
const config: AppConfig = {
  apiKey: KEY,
  sessionSecret: 'session-secret-for-tests-0123',
  sessionTtlS: 3600,
  loginMaxFailures: 3,
  loginWindowS: 600,
}

let db: TestDatabase
let seeded: Seeded
let data: DataAccess
let clock = SEED_NOW.getTime()
const now = (): Date => new Date(clock)

beforeAll(async () => {
  db = await testDatabase()
  seeded = await seed(db.sql)
  data = createDataAccess(db.sql)
}, 60_000)
afterAll(() => db?.drop())

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
    pingDatabase: async () => {},
    clientAddress: (c) => c.req.header('x-test-client') ?? 'unknown',
    limiter,
    log: () => {},
  })

const PUBLIC = [/^\/api\/health$/, /^\/login$/, /^\/logout$/, /^\/static\//]

/** Every concrete GET route of the app, params filled in. */
function getRoutes(app: ReturnType<typeof makeApp>): string[] {
  const paths = app.routes
    .filter((r) => r.method === 'GET')
    .map((r) =>
      r.path
        .replace(':id', seeded.bodiesId)
        .replace(':name', 'app.css')
        .replace(/\/\*$/, '/anything'),
    )
  return [...new Set(paths)]
}

async function login(app: ReturnType<typeof makeApp>, key: string, client = '10.0.0.1') {
  return app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-test-client': client },
    body: new URLSearchParams({ key, next: '/events?range=30d' }).toString(),
  })
}

describe('auth on every route', () => {
  test('the app has the expected routes', () => {
    const paths = getRoutes(makeApp())
    for (const p of [
      '/api/summary',
      '/api/breakdown',
      '/api/timeseries',
      '/api/events',
      `/api/events/${seeded.bodiesId}`,
      '/api/events.csv',
      '/api/breakdown.csv',
      '/api/budgets',
      '/api/prices',
      '/api/stream',
      '/',
      '/events',
      '/budgets',
    ]) {
      expect(paths).toContain(p)
    }
  })

  test('without credentials: 401 JSON for /api, redirect to /login for pages', async () => {
    const app = makeApp()
    const guarded = getRoutes(app).filter((p) => !PUBLIC.some((re) => re.test(p)))
    expect(guarded.length).toBeGreaterThan(10)
    for (const path of guarded) {
      const res = await app.request(`${path}?range=30d`)
      if (path.startsWith('/api/')) {
        expect({ path, status: res.status }).toEqual({ path, status: 401 })
        expect(((await res.json()) as { error: string }).error).toBe('unauthorized')
      } else {
        expect({ path, status: res.status }).toEqual({ path, status: 303 })
        expect(res.headers.get('location')).toBe(
          `/login?next=${encodeURIComponent(`${path}?range=30d`)}`,
        )
      }
      // Wrong bearer and forged cookie are refused the same way.
      const wrong = await app.request(path, { headers: { authorization: 'Bearer nope' } })
      expect([401, 303]).toContain(wrong.status)
    }
  })

  test('with a bearer key and with a session cookie: answered', async () => {
    const app = makeApp()
    const res = await login(app, KEY)
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/events?range=30d')
    const setCookie = res.headers.get('set-cookie') ?? ''
    expect(setCookie).toContain(`${SESSION_COOKIE}=`)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Strict')
    expect(setCookie).toContain('Path=/')
    expect(setCookie).not.toContain('Secure')
    expect(setCookie).not.toContain(KEY)
    const cookie = setCookie.split(';')[0]!
    const guarded = getRoutes(app).filter((p) => !PUBLIC.some((re) => re.test(p)))
    for (const path of guarded) {
      for (const headers of [{ authorization: `Bearer ${KEY}` }, { cookie }]) {
        const ctl = new AbortController()
        const r = await app.request(`${path}?range=30d`, { headers, signal: ctl.signal })
        expect({ path, status: r.status }).not.toEqual({ path, status: 401 })
        expect(r.headers.get('location') ?? '').not.toStartWith('/login')
        expect({ path, ok: [200, 400, 404].includes(r.status) }).toEqual({ path, ok: true })
        ctl.abort() // ends /api/stream
        await r.body?.cancel()
      }
    }
  }, 30_000)

  test('session cookie is Secure over https', async () => {
    const res = await makeApp().request('https://dash.example/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `key=${KEY}`,
    })
    expect(res.headers.get('set-cookie')).toContain('Secure')
  })

  test('forged, foreign and expired cookies are refused', async () => {
    const app = makeApp()
    const good = signSession(config.sessionSecret, clock, 60)
    const tampered = good.replace(/^v1\.(\d+)/, (_m, n: string) => `v1.${Number(n) + 9_999_999}`)
    const foreign = signSession('another-secret-0123456789', clock, 60)
    for (const token of [tampered, foreign, KEY, 'v1.9999999999999.x.y', '']) {
      const r = await app.request('/api/summary', {
        headers: { cookie: `${SESSION_COOKIE}=${token}` },
      })
      expect(r.status).toBe(401)
    }
    expect(
      (await app.request('/api/summary', { headers: { cookie: `${SESSION_COOKIE}=${good}` } }))
        .status,
    ).toBe(200)
    clock += 61_000
    try {
      const r = await app.request('/api/summary', {
        headers: { cookie: `${SESSION_COOKIE}=${good}` },
      })
      expect(r.status).toBe(401)
    } finally {
      clock = SEED_NOW.getTime()
    }
  })

  test('login page: self-contained form, safe next, logout clears the cookie', async () => {
    const app = makeApp()
    const page = await app.request('/login?next=/budgets')
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(html).toContain('href="/static/app.css"')
    expect(html).toContain('value="/budgets"')
    expect(html).not.toContain('<script')
    const evil = await app.request('/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ key: KEY, next: '//evil.example/x' }).toString(),
    })
    expect(evil.headers.get('location')).toBe('/')
    // issue 13 §5: a tab (`%09`) that browsers drop, making `/\t/evil.example` off-site.
    const tabbed = await app.request('/login?next=/%09/evil.example/x')
    expect(await tabbed.text()).toContain('name="next" value="/"')
    for (const next of ['/\t/evil.example/x', '/%09/evil.example/x', '/\\evil.example']) {
      const r = await app.request('/login', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key: KEY, next }).toString(),
      })
      expect({ next, location: r.headers.get('location') }).toEqual({ next, location: '/' })
    }
    const out = await app.request('/logout', { method: 'POST' })
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(new RegExp(`${SESSION_COOKIE}=;.*Max-Age=0`))
  })

  test('security headers on every response, public or not', async () => {
    const app = makeApp()
    for (const path of ['/api/health', '/login', '/static/app.css', '/api/summary', '/', '/nope']) {
      const r = await app.request(path)
      expect(r.headers.get('content-security-policy')).toBe(CSP)
      expect(r.headers.get('x-content-type-options')).toBe('nosniff')
      expect(r.headers.get('referrer-policy')).toBe('no-referrer')
      expect(r.headers.get('x-frame-options')).toBe('DENY')
    }
    expect(CSP).toContain("frame-ancestors 'none'")
    expect(CSP).toContain("script-src 'self'")
  })

  test('an htmx fragment request without a session is told to navigate to /login', async () => {
    const r = await makeApp().request('/fragments/overview', { headers: { 'hx-request': 'true' } })
    expect(r.status).toBe(401)
    expect(r.headers.get('hx-redirect')).toBe('/login')
  })

  test('health stays public', async () => {
    const r = await makeApp().request('/api/health')
    expect(r.status).toBe(200)
  })

  test('local mode (no key): open', async () => {
    const open = createDashboardApp({ data, now })
    expect((await open.request('/api/summary')).status).toBe(200)
  })
})

describe('configuration', () => {
  test('a non-loopback bind without a key refuses to start, naming the variable', () => {
    for (const host of ['0.0.0.0', '192.168.1.5', '::', 'dash.example.com']) {
      let err: unknown
      try {
        loadDashboardConfig({ DASHBOARD_HOST: host })
      } catch (e) {
        err = e
      }
      expect(err).toBeInstanceOf(ConfigError)
      expect((err as ConfigError).variable).toBe('DASHBOARD_API_KEY')
      expect((err as Error).message).toContain('DASHBOARD_API_KEY')
    }
  })
  test('loopback without a key is local mode; a key enables auth anywhere', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]']) {
      expect(loadDashboardConfig({ DASHBOARD_HOST: host }).apiKey).toBeNull()
    }
    const c = loadDashboardConfig({ DASHBOARD_HOST: '0.0.0.0', DASHBOARD_API_KEY: KEY })
    expect(c.apiKey).toBe(KEY)
    expect(c.sessionSecret).not.toBe(KEY)
    expect(() => loadDashboardConfig({ DASHBOARD_API_KEY: 'short' })).toThrow(/DASHBOARD_API_KEY/)
    expect(() => loadDashboardConfig({ DASHBOARD_PORT: 'x' })).toThrow(/DASHBOARD_PORT/)
    expect(() => loadDashboardConfig({ DASHBOARD_ALLOWED_HOSTS: 'ok.example, *.example' })).toThrow(
      /DASHBOARD_ALLOWED_HOSTS: "\*\.example" is not a host name/,
    )
    expect(() => loadDashboardConfig({ DASHBOARD_MAX_STREAMS: '0' })).toThrow(
      /DASHBOARD_MAX_STREAMS/,
    )
    expect(loadDashboardConfig({}).allowedHosts).toBeNull()
    expect(loadDashboardConfig({}).maxStreams).toBe(200)
    expect(
      loadDashboardConfig({ DASHBOARD_ALLOWED_HOSTS: 'Dash.Example:8443,[fd00::1]' }).allowedHosts,
    ).toEqual([
      { name: 'dash.example', port: 8443 },
      { name: '[fd00::1]', port: null },
    ])
  })
  test('the process exits 1 with one clear message', async () => {
    const proc = Bun.spawn(['bun', 'run', `${import.meta.dir}/../src/main.ts`], {
      env: { ...process.env, DASHBOARD_HOST: '0.0.0.0', DASHBOARD_API_KEY: '', DATABASE_URL: '' },
      stderr: 'pipe',
      stdout: 'pipe',
    })
    const [code, err] = await Promise.all([proc.exited, new Response(proc.stderr).text()])
    expect(code).toBe(1)
    expect(err.trim().split('\n')).toHaveLength(1)
    expect(err).toStartWith('configuration error: DASHBOARD_API_KEY: required when DASHBOARD_HOST')
  }, 30_000)
})
