// The dashboard's Hono app. Pages, API and auth arrive with the dashboard issue; for now it
// answers its health check so deployments can probe it.

import { Hono } from 'hono'

export function createDashboardApp(): Hono {
  const app = new Hono()
  app.get('/api/health', (c) => c.json({ status: 'ok' }))
  return app
}
