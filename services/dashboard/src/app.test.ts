import { describe, expect, test } from 'bun:test'
import { createDashboardApp } from './app.ts'

describe('dashboard app', () => {
  test('GET /api/health answers ok without a database', async () => {
    const res = await createDashboardApp().request('/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok', database: 'not configured' })
  })
  test('GET /api/health reports the database', async () => {
    const up = createDashboardApp({ pingDatabase: async () => {} })
    expect(await (await up.request('/api/health')).json()).toEqual({ status: 'ok', database: 'ok' })
    const down = createDashboardApp({
      pingDatabase: async () => {
        throw new Error('connection refused')
      },
    })
    const res = await down.request('/api/health')
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({
      status: 'degraded',
      database: 'unreachable: connection refused',
    })
  })
  test('unknown routes are 404', async () => {
    expect((await createDashboardApp().request('/nope')).status).toBe(404)
  })
})
