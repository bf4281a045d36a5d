/** @jsxImportSource hono/jsx */
// GET /sessions (the list, `sort` = cost | last | requests | tokens) and GET /fragments/sessions
// (its live-refreshed body).

import type { SessionSort } from '@tokentap/shared/api'
import type { Context } from 'hono'
import { FilterError } from '../../data/filters.ts'
import { readSessionSort } from '../../data/sessions.ts'
import { isLive } from '../overview/handler.tsx'
import { badFilter, html, type PageDeps, pageFilters } from '../shared.tsx'
import { loadOptions, loadSessions } from './query.ts'
import { SessionsBody, SessionsPage } from './view.tsx'

/** The `sort` parameter, or the 400 page naming it. */
function sortOf(c: Context): SessionSort | Response | Promise<Response> {
  try {
    return readSessionSort(c.req.query('sort'))
  } catch (e) {
    if (e instanceof FilterError) return badFilter(c, e, 'sessions')
    throw e
  }
}

export async function sessionsPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'sessions')
  if (!r.ok) return r.res
  const sort = sortOf(c)
  if (typeof sort !== 'string') return sort
  const [d, options] = await Promise.all([
    loadSessions(deps.data, r.f, sort),
    loadOptions(deps.data, r.f),
  ])
  return html(c, <SessionsPage f={r.f} d={d} options={options} live={isLive(r.f.to, deps.now())} />)
}

export async function sessionsFragment(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'sessions')
  if (!r.ok) return r.res
  const sort = sortOf(c)
  if (typeof sort !== 'string') return sort
  const d = await loadSessions(deps.data, r.f, sort)
  return html(c, <SessionsBody f={r.f} d={d} live={isLive(r.f.to, deps.now())} />)
}
