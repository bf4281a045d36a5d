/** @jsxImportSource hono/jsx */
// GET /events (the log, `cursor` for older pages) and GET /fragments/events/newer (rows newer
// than `after`, prepended live, with the hidden `after` input moved out of band).

import type { Context } from 'hono'
import { isLive } from '../overview/handler.tsx'
import { html, type PageDeps, pageFilters, UUID_RE } from '../shared.tsx'
import { loadEvents, loadNewer } from './query.ts'
import { AfterInput, EventRows, EventsPage } from './view.tsx'

export async function eventsPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'events')
  if (!r.ok) return r.res
  const cursor = c.req.query('cursor') || undefined
  const d = await loadEvents(deps.data, r.f, cursor)
  return html(c, <EventsPage f={r.f} d={d} cursor={cursor} live={isLive(r.f.to, deps.now())} />)
}

export async function newerFragment(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'events')
  if (!r.ok) return r.res
  const after = c.req.query('after') ?? ''
  if (!UUID_RE.test(after)) return c.text('after: expected an event id', 400)
  const rows = await loadNewer(deps.data, r.f, after)
  if (rows.length === 0) return html(c, '')
  return html(
    c,
    <>
      <EventRows events={rows} f={r.f} fresh />
      {/* A <template> keeps the out-of-band input legal after table rows (htmx 2 reads it). */}
      <template>
        <AfterInput id={rows[0]!.id} oob />
      </template>
    </>,
  )
}
