import { describe, expect, test } from 'bun:test'
import { createDashboardApp } from './app.ts'

describe('dashboard app', () => {
  test('GET /api/health answers ok', async () => {
    const res = await createDashboardApp().request('/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })
  test('unknown routes are 404', async () => {
    expect((await createDashboardApp().request('/nope')).status).toBe(404)
  })
})
