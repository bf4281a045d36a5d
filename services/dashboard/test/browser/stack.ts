// The whole stack for the browser test, on loopback: a fresh migrated database, the TLS mock
// upstream, a real proxy writing to that database, and the dashboard server (startDashboard:
// read-only pool, LISTEN feed, API key) — plus a curl helper that sends one Anthropic request
// through the proxy as a given user.

import { randomBytes } from 'node:crypto'
import {
  curl,
  type Harness,
  type MockUpstream,
  startMockUpstream,
  startProxy,
} from '@tokentap/proxy/testing'
import { type TestDatabase, testDatabase } from '@tokentap/testing'
import { loadDashboardConfig } from '../../src/config.ts'
import { type DashboardServer, startDashboard } from '../../src/server.ts'

export interface Stack {
  db: TestDatabase
  dashboardUrl: string
  apiKey: string
  /** One request through the proxy (a priced Anthropic response), as `user`; `oauth`: signed in
   *  to a Claude subscription (its answer carries the subscription's windows); `headers`: extra
   *  request header lines (`Name: value`). */
  send(user: string, opts?: { oauth?: boolean; headers?: string[] }): Promise<void>
  /** Rows in usage_events (to wait for the proxy's batch writer). */
  count(): Promise<number>
  stop(): Promise<void>
}

const usage = {
  input_tokens: 30,
  output_tokens: 70,
  cache_read_input_tokens: 500,
  cache_creation_input_tokens: 200,
  cache_creation: { ephemeral_5m_input_tokens: 150, ephemeral_1h_input_tokens: 50 },
}

/** A Claude subscription's windows: 5-hour at 83 % (resetting 2030-03-17 17:00 UTC), 7-day 41 %. */
export const SUBSCRIPTION_WINDOWS = {
  'anthropic-ratelimit-unified-status': 'allowed_warning',
  'anthropic-ratelimit-unified-5h-utilization': '0.83',
  'anthropic-ratelimit-unified-5h-reset': String(Date.parse('2030-03-17T17:00:00Z') / 1000),
  'anthropic-ratelimit-unified-5h-status': 'allowed_warning',
  'anthropic-ratelimit-unified-7d-utilization': '0.41',
  'anthropic-ratelimit-unified-7d-reset': String(Date.parse('2030-03-20T09:00:00Z') / 1000),
}

export async function startStack(): Promise<Stack> {
  const db = await testDatabase()
  let mock: MockUpstream | null = null
  let proxy: Harness | null = null
  let dash: DashboardServer | null = null
  const stop = async (): Promise<void> => {
    await dash?.stop()
    await proxy?.stop()
    await mock?.stop()
    await db.drop()
  }
  try {
    mock = await startMockUpstream()
    mock.on('api.anthropic.com', 'POST /v1/messages', (req) =>
      Response.json(
        { id: 'msg_live', model: 'claude-sonnet-4-5-20250929', usage },
        { headers: req.headers.get('authorization') ? SUBSCRIPTION_WINDOWS : {} },
      ),
    )
    proxy = await startProxy({
      upstreamPort: mock.port,
      upstreamCaPath: mock.caPath,
      env: { DATABASE_URL: db.url, BATCH_INTERVAL_MS: '50' },
    })
    const apiKey = randomBytes(20).toString('hex')
    dash = startDashboard(
      loadDashboardConfig({
        DASHBOARD_HOST: '127.0.0.1',
        DASHBOARD_PORT: '0',
        DASHBOARD_API_KEY: apiKey,
        DATABASE_URL: db.url,
      }),
      { log: () => {} },
    )
    const p = proxy
    return {
      db,
      dashboardUrl: `http://127.0.0.1:${dash.port}`,
      apiKey,
      async send(user, opts = {}) {
        const auth = opts.oauth
          ? [
              '-H',
              'authorization: Bearer sk-ant-oat01-browser-test',
              '-H',
              'anthropic-beta: oauth-2025-04-20',
            ]
          : []
        const r = await curl([
          ...auth,
          '--proxy',
          p.proxyUrl,
          '--proxy-user',
          `${user}:t`,
          '--cacert',
          p.caPath,
          '-A',
          'claude-cli/2.1.0 (external, cli)',
          '-H',
          'content-type: application/json',
          ...(opts.headers ?? []).flatMap((h) => ['-H', h]),
          '-d',
          '{"model":"claude-sonnet-4-5","max_tokens":16,"messages":[]}',
          'https://api.anthropic.com/v1/messages',
        ])
        if (r.code !== 0) throw new Error(`curl through the proxy failed: ${r.stderr}`)
      },
      async count() {
        const [r] = await db.sql<{ n: number }[]>`select count(*)::int as n from usage_events`
        return r?.n ?? 0
      },
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}
