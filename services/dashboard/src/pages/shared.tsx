/** @jsxImportSource hono/jsx */
// What every page handler shares: Filters from the request (data/filters.ts readFilters, as the
// API and the live stream read them) or the 400 page naming a bad one, the 404 page, and the
// HTML response helper.

import type { Filters } from '@tokentap/shared/api'
import type { Context } from 'hono'
import { FilterError, readFilters } from '../data/filters.ts'
import type { DataAccess } from '../data/types.ts'
import { ErrorBox } from '../views/components.tsx'
import { Layout, type Section } from '../views/layout.tsx'

export interface PageDeps {
  data: DataAccess
  now: () => Date
}

export type FilterResult =
  | { ok: true; f: Filters }
  | { ok: false; res: Response | Promise<Response> }

/** The request's Filters; a FilterError becomes a 400 page (or fragment) naming it. */
export function pageFilters(c: Context, deps: PageDeps, section: Section): FilterResult {
  try {
    return { ok: true, f: readFilters(c, deps.now()) }
  } catch (e) {
    if (!(e instanceof FilterError)) throw e
    return { ok: false, res: badFilter(c, e, section) }
  }
}

/** The 400 page (or fragment, for htmx) naming a bad query parameter. */
export function badFilter(
  c: Context,
  e: FilterError,
  section: Section,
): Response | Promise<Response> {
  const box = <ErrorBox title="Bad filter" message={e.message} back={c.req.path} />
  const fragment = c.req.header('hx-request') === 'true'
  return c.html(
    fragment ? box : <Layout title="Bad filter" section={section} children={box} />,
    400,
  )
}

export function notFound(c: Context, what: string, section: Section): Response | Promise<Response> {
  return c.html(
    <Layout title="Not found" section={section}>
      <ErrorBox title="Not found" message={what} back="/" />
    </Layout>,
    404,
  )
}

/** An HTML page or fragment, never cached (figures change with every request). */
export function html(
  c: Context,
  body: string | Promise<string>,
  status: 200 | 400 | 404 = 200,
): Response | Promise<Response> {
  c.header('cache-control', 'no-store')
  return c.html(body, status)
}

export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
