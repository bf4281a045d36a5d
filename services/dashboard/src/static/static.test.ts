import { describe, expect, test } from 'bun:test'
import { Hono } from 'hono'
import { ASSET_NAMES, assetUrl, staticRoutes } from './index.ts'

describe('static assets', () => {
  test('every asset is served from node_modules or src/static with its type', async () => {
    const app = new Hono().route('/static', staticRoutes())
    for (const name of ASSET_NAMES) {
      const res = await app.request(assetUrl(name))
      expect(res.status).toBe(200)
      const type = name.endsWith('.css')
        ? 'text/css'
        : name.endsWith('.svg')
          ? 'image/svg+xml'
          : 'text/javascript'
      expect(res.headers.get('content-type')).toStartWith(type)
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(50)
    }
    const htmx = await (await app.request(assetUrl('htmx.min.js'))).text()
    expect(htmx).toContain('2.0.11')
    expect(await (await app.request(assetUrl('htmx-sse.js'))).text()).toContain(
      "defineExtension('sse'",
    )
  })

  test('unversioned or stale URLs revalidate; ETag gives 304; unknown names 404', async () => {
    const app = staticRoutes()
    const res = await app.request('/app.css?v=old')
    expect(res.status).toBe(200)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    const etag = res.headers.get('etag')!
    expect(assetUrl('app.css')).toBe(`/static/app.css?v=${etag.slice(1, -1)}`)
    const again = await app.request('/app.css', { headers: { 'if-none-match': etag } })
    expect(again.status).toBe(304)
    expect((await app.request('/secret.txt')).status).toBe(404)
    expect((await app.request('/..%2Fpackage.json')).status).toBe(404)
    expect((await app.request('/constructor')).status).toBe(404)
  })
})
