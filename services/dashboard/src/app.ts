// The dashboard's Hono app. Pages, API and auth arrive with the dashboard issue; for now it
// answers its health check (with the database's state when one is configured).

import { Hono } from 'hono'

export interface DashboardDeps {
  /** Resolves when the database answers; absent when DATABASE_URL is unset. */
  pingDatabase?: () => Promise<void>
}

export function createDashboardApp(deps: DashboardDeps = {}): Hono {
  const app = new Hono()
  app.get('/api/health', async (c) => {
    if (!deps.pingDatabase) return c.json({ status: 'ok', database: 'not configured' })
    try {
      await deps.pingDatabase()
      return c.json({ status: 'ok', database: 'ok' })
    } catch (e) {
      return c.json({ status: 'degraded', database: `unreachable: ${(e as Error).message}` }, 503)
    }
  })
  return app
}
