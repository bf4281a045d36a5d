// The sessions API: GET /api/sessions (sessions active in the range, `sort` order, at
// most `limit`), /api/sessions.csv (the same, every row up to MAX_SESSIONS) and
// /api/sessions/:id (one session over all its requests, by sub-agent; 404 JSON when unknown).

import type { SessionDetail, SessionRow, SessionsResponse } from '@tokentap/shared/api'
import { Hono } from 'hono'
import { readFilters } from '../data/filters.ts'
import { readSessionId, readSessionSort } from '../data/sessions.ts'
import { BREAKDOWN_CSV_COLUMNS, csvLine, rowsToCsv } from './csv.ts'
import { csvHeaders, filtersJson, intParam } from './params.ts'
import type { ApiDeps } from './routes.ts'

export const DEFAULT_SESSIONS_LIMIT = 100
export const MAX_SESSIONS = 5000

/** CSV columns: the session, its span and attribution (several values joined by " … "), its
 *  totals as the breakdown export has them. */
const SESSION_CSV_HEAD = ['session', 'firstAt', 'lastAt', 'programs', 'users', 'projects']
const TOTALS_CSV = BREAKDOWN_CSV_COLUMNS.slice(1) // without `key`

function sessionsCsv(rows: SessionRow[]): string {
  const flat = rows.map((r) => ({
    ...r,
    programs: r.programs.join(' … '),
    users: r.users.join(' … '),
    projects: r.projects.join(' … '),
  }))
  type Flat = (typeof flat)[number]
  const columns = [...SESSION_CSV_HEAD, ...TOTALS_CSV] as Array<keyof Flat>
  return csvLine(columns) + rowsToCsv(columns, flat)
}

export function sessionRoutes(deps: ApiDeps): Hono {
  const { data } = deps
  const app = new Hono()

  app.get('/sessions', async (c) => {
    const f = readFilters(c, deps.now())
    const sort = readSessionSort(c.req.query('sort'))
    const limit = intParam(c, 'limit', DEFAULT_SESSIONS_LIMIT, MAX_SESSIONS)
    c.header('cache-control', 'no-store')
    return c.json({
      filters: filtersJson(f),
      sort,
      sessions: await data.sessions(f, { sort, limit }),
    } satisfies SessionsResponse)
  })

  app.get('/sessions.csv', async (c) => {
    const f = readFilters(c, deps.now())
    const sort = readSessionSort(c.req.query('sort'))
    const rows = await data.sessions(f, { sort, limit: MAX_SESSIONS })
    return c.body(sessionsCsv(rows), 200, csvHeaders('sessions', f))
  })

  app.get('/sessions/:id', async (c) => {
    const id = readSessionId(c.req.param('id'))
    const s = id === null ? null : await data.session(id)
    c.header('cache-control', 'no-store')
    if (!s) return c.json({ error: 'not_found', message: 'no such session' }, 404)
    return c.json(s satisfies SessionDetail)
  })

  return app
}
