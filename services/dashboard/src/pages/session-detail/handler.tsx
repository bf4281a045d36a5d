/** @jsxImportSource hono/jsx */
// GET /sessions/:id (one session over all its requests, by sub-agent; 404 when no request
// carries it) and GET /fragments/sessions/:id (its live-refreshed body).

import type { Context } from 'hono'
import { readSessionId } from '../../data/sessions.ts'
import { isLive } from '../overview/handler.tsx'
import { html, notFound, type PageDeps, pageFilters } from '../shared.tsx'
import { SessionBody, SessionPage } from './view.tsx'

async function load(c: Context, deps: PageDeps) {
  const raw = c.req.param('id') ?? ''
  const id = readSessionId(raw)
  return { raw, s: id === null ? null : await deps.data.session(id) }
}

export async function sessionDetailPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'sessions')
  if (!r.ok) return r.res
  const { raw, s } = await load(c, deps)
  if (!s) return notFound(c, `No session ${raw.slice(0, 200)}.`, 'sessions')
  return html(c, <SessionPage s={s} f={r.f} live={isLive(r.f.to, deps.now())} />)
}

export async function sessionFragment(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'sessions')
  if (!r.ok) return r.res
  const { s } = await load(c, deps)
  if (!s) return html(c, '', 404)
  return html(c, <SessionBody s={s} f={r.f} live={isLive(r.f.to, deps.now())} />)
}
