/** @jsxImportSource hono/jsx */
// GET /events/:id: one event's every field; 404 for an unknown or malformed id.

import type { Context } from 'hono'
import { html, notFound, type PageDeps, pageFilters, UUID_RE } from '../shared.tsx'
import { EventDetailPage } from './view.tsx'

export async function eventDetailPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'events')
  if (!r.ok) return r.res
  const id = c.req.param('id') ?? ''
  const e = UUID_RE.test(id) ? await deps.data.event(id.toLowerCase()) : null
  if (!e) return notFound(c, `No event with id ${id}.`, 'events')
  return html(c, <EventDetailPage e={e} f={r.f} />)
}
