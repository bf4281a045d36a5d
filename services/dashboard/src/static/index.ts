// Static assets: htmx, its SSE extension and uPlot from node_modules, plus the dashboard's own
// app.js / app.css. Each is read once at first use and served with an ETag; a URL carrying the
// asset's content hash (`assetUrl`) is cached for a year as immutable. No CDN: works air-gapped.

import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Hono } from 'hono'

interface Asset {
  body: Uint8Array
  type: string
  hash: string
}

const JS = 'text/javascript; charset=utf-8'
const CSS = 'text/css; charset=utf-8'

/** Public name → where the file lives (resolved lazily, so a missing package fails loudly once). */
const SOURCES: Record<string, { path: () => string; type: string }> = {
  'htmx.min.js': { path: () => moduleFile('htmx.org/dist/htmx.min.js'), type: JS },
  'htmx-sse.js': { path: () => moduleFile('htmx-ext-sse/dist/sse.js'), type: JS },
  'uplot.min.js': { path: () => moduleFile('uplot/dist/uPlot.iife.min.js'), type: JS },
  'uplot.min.css': { path: () => moduleFile('uplot/dist/uPlot.min.css'), type: CSS },
  'app.js': { path: () => fileURLToPath(new URL('./app.js', import.meta.url)), type: JS },
  'app.css': { path: () => fileURLToPath(new URL('./app.css', import.meta.url)), type: CSS },
  'favicon.svg': {
    path: () => fileURLToPath(new URL('./favicon.svg', import.meta.url)),
    type: 'image/svg+xml',
  },
}

function moduleFile(specifier: string): string {
  return fileURLToPath(import.meta.resolve(specifier))
}

const cache = new Map<string, Asset>()

function load(name: string): Asset | null {
  const hit = cache.get(name)
  if (hit) return hit
  const src = Object.hasOwn(SOURCES, name) ? SOURCES[name] : undefined
  if (!src) return null
  const body = new Uint8Array(readFileSync(src.path()))
  const hash = new Bun.CryptoHasher('sha256').update(body).digest('hex').slice(0, 12)
  const asset = { body, type: src.type, hash }
  cache.set(name, asset)
  return asset
}

/** Names of every served asset. */
export const ASSET_NAMES = Object.keys(SOURCES)

/** `/static/<name>?v=<content hash>`: the URL pages should reference (long-cached). */
export function assetUrl(name: string): string {
  const a = load(name)
  if (!a) throw new Error(`no static asset named ${name}`)
  return `/static/${name}?v=${a.hash}`
}

/** Routes mounted at /static (public: no secrets in here). */
export function staticRoutes(): Hono {
  const app = new Hono()
  app.get('/:name', (c) => {
    const a = load(c.req.param('name'))
    if (!a) return c.text('not found', 404)
    const etag = `"${a.hash}"`
    const versioned = c.req.query('v') === a.hash
    const headers = {
      'content-type': a.type,
      etag,
      'cache-control': versioned ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
    }
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers)
    return c.body(a.body.buffer as ArrayBuffer, 200, headers)
  })
  return app
}
