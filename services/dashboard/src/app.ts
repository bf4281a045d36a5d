// The dashboard's Hono app: security headers on everything; the Host check (auth/host.ts) in
// front of every route; public /api/health, /login and /static; everything else (pages, JSON
// API, SSE, CSV) behind auth (auth/guard.ts), key comparisons through one key-guessing limiter
// (auth/rate-limit.ts). Database, clock, config and live hub are injected; without a database
// the pages and API answer 503.

import { redact } from '@tokentap/shared'
import type { HealthResponse } from '@tokentap/shared/api'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { apiRoutes } from './api/routes.ts'
import { requireAuth } from './auth/guard.ts'
import { securityHeaders } from './auth/headers.ts'
import { type HostName, hostGuard, hostPolicy } from './auth/host.ts'
import { loginRoutes } from './auth/login.ts'
import { createLoginLimiter, type LoginLimiter } from './auth/rate-limit.ts'
import { FilterError, readFilters } from './data/filters.ts'
import type { DataAccess } from './data/types.ts'
import { createStreamGate, DEFAULT_MAX_STREAMS, type StreamGate } from './live/gate.ts'
import type { LiveHub } from './live/hub.ts'
import type { OutboxLimits } from './live/outbox.ts'
import { sseResponse } from './live/sse.ts'
import { pageRoutes } from './pages/index.ts'
import { staticRoutes } from './static/index.ts'

/** The config fields the app uses (see config.ts). */
export interface AppConfig {
  apiKey: string | null
  sessionSecret: string
  sessionTtlS: number
  loginMaxFailures: number
  loginWindowS: number
  /** DASHBOARD_ALLOWED_HOSTS (null/absent = unset): extra Host names; setting it enforces the
   *  Host check with a key too. */
  allowedHosts?: readonly HostName[] | null
  /** DASHBOARD_HOST: the bound address is always an acceptable Host. */
  host?: string
  /** DASHBOARD_MAX_STREAMS (default 200). */
  maxStreams?: number
}

export interface DashboardDeps {
  /** Resolves when the database answers; absent when DATABASE_URL is unset. */
  pingDatabase?: () => Promise<void>
  /** The query layer; absent = no database (pages and API answer 503). */
  data?: DataAccess | null
  /** Default: local mode (no API key). */
  config?: AppConfig
  now?: () => Date
  /** Live feed for /api/stream; absent = the stream only sends heartbeats. */
  hub?: LiveHub | null
  /** Client address for the login rate limit (default: Bun's requestIP, else 'unknown'). */
  clientAddress?: (c: Context) => string
  limiter?: LoginLimiter
  /** SSE heartbeat interval (default 15 s). */
  heartbeatMs?: number
  /** Live stream cap (default: from config.maxStreams). */
  streams?: StreamGate
  /** How far a live stream's reader may fall behind before it is dropped. */
  streamLimits?: OutboxLimits
  /** Operational messages (throttled logins, refused or dropped streams); default stderr. */
  log?: (message: string) => void
}

export const LOCAL_CONFIG: AppConfig = {
  apiKey: null,
  sessionSecret: 'tokentap-session:',
  sessionTtlS: 12 * 3600,
  loginMaxFailures: 5,
  loginWindowS: 15 * 60,
}

/** Bun.serve hands the server to fetch() as Hono's env. */
function bunClientAddress(c: Context): string {
  const env = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined
  try {
    return env?.requestIP?.(c.req.raw)?.address ?? 'unknown'
  } catch {
    return 'unknown'
  }
}

const NO_HUB: LiveHub = {
  subscribe: () => () => {},
  subscribers: () => 0,
  repriced: () => {},
  notify: () => {},
  listening: () => {},
  idle: async () => {},
}

export function createDashboardApp(deps: DashboardDeps = {}): Hono {
  const config = deps.config ?? LOCAL_CONFIG
  const now = deps.now ?? (() => new Date())
  const data = deps.data ?? null
  const log = deps.log ?? ((m: string) => void process.stderr.write(`${redact(m)}\n`))
  const clientAddress = deps.clientAddress ?? bunClientAddress
  const limiter =
    deps.limiter ??
    createLoginLimiter({
      max: config.loginMaxFailures,
      windowS: config.loginWindowS,
      now: () => now().getTime(),
      onThrottle: (source, failures) =>
        log(`dashboard: ${failures} wrong keys from ${source} recently; attempts are slowed down`),
    })
  const streams =
    deps.streams ??
    createStreamGate({
      max: config.maxStreams ?? DEFAULT_MAX_STREAMS,
      log,
      now: () => now().getTime(),
    })
  const app = new Hono()
  app.use('*', securityHeaders())
  app.use(
    '*',
    hostGuard(
      hostPolicy({
        apiKey: config.apiKey,
        allowedHosts: config.allowedHosts ?? null,
        ...(config.host !== undefined ? { bindHost: config.host } : {}),
      }),
    ),
  )

  app.get('/api/health', async (c) => {
    if (!deps.pingDatabase)
      return c.json({ status: 'ok', database: 'not configured' } satisfies HealthResponse)
    try {
      await deps.pingDatabase()
      return c.json({ status: 'ok', database: 'ok' } satisfies HealthResponse)
    } catch (e) {
      const body: HealthResponse = {
        status: 'degraded',
        database: `unreachable: ${(e as Error).message}`,
      }
      return c.json(body, 503)
    }
  })
  app.route('/', loginRoutes({ auth: config, limiter, now, clientAddress }))
  app.route('/static', staticRoutes())

  // Everything below needs credentials (when a key is configured).
  app.use('*', requireAuth({ auth: config, now, limiter, clientAddress }))

  if (data) {
    app.get('/api/stream', (c) =>
      sseResponse(c, readFilters(c, now()), {
        hub: deps.hub ?? NO_HUB,
        data,
        gate: streams,
        ...(deps.streamLimits ? { limits: deps.streamLimits } : {}),
        ...(deps.heartbeatMs !== undefined ? { heartbeatMs: deps.heartbeatMs } : {}),
      }),
    )
    app.route('/api', apiRoutes({ data, now }))
    app.route('/', pageRoutes({ data, now }))
  } else {
    const noDb = (c: Context) =>
      c.json({ error: 'no_database', message: 'DATABASE_URL is not configured' }, 503)
    app.get('/api/*', noDb)
    app.get('/', (c) => c.text('tokentap dashboard: DATABASE_URL is not configured', 503))
  }

  app.notFound((c) =>
    c.req.path.startsWith('/api/')
      ? c.json({ error: 'not_found', message: `no route ${c.req.path}` }, 404)
      : c.text('not found', 404),
  )
  app.onError((e, c) => {
    if (e instanceof FilterError) {
      return c.json({ error: 'bad_request', message: e.message }, 400)
    }
    process.stderr.write(
      redact(`dashboard: ${c.req.method} ${c.req.path}: ${e.stack ?? e.message}\n`),
    )
    return c.json({ error: 'internal', message: 'internal error (see the dashboard log)' }, 500)
  })
  return app
}
