// The dashboard as the bench measures it: startDashboard (read-only pool of 4, live listener,
// Bun.serve) on a loopback port with an API key, plus a session cookie from the login form.

import { randomBytes } from 'node:crypto'
import { loadDashboardConfig, startDashboard } from '@tokentap/dashboard'

export interface DashboardHandle {
  url: string
  apiKey: string
  /** `name=value` of a logged-in session, for the HTML pages. */
  cookie: string
  close(): Promise<void>
}

export async function startBenchDashboard(databaseUrl: string): Promise<DashboardHandle> {
  const apiKey = randomBytes(24).toString('hex')
  const config = loadDashboardConfig({
    DASHBOARD_HOST: '127.0.0.1',
    DASHBOARD_PORT: '0',
    DASHBOARD_API_KEY: apiKey,
    DATABASE_URL: databaseUrl,
  })
  const server = startDashboard(config, { log: () => {} })
  const url = `http://127.0.0.1:${server.port}`
  try {
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      body: new URLSearchParams({ key: apiKey, next: '/' }),
      redirect: 'manual',
    })
    const cookie = res.headers.get('set-cookie')?.split(';')[0]
    if (res.status !== 303 || !cookie) throw new Error(`dashboard login answered ${res.status}`)
    return { url, apiKey, cookie, close: () => server.stop() }
  } catch (e) {
    await server.stop()
    throw e
  }
}
