/** @jsxImportSource hono/jsx */
// GET / (full page) and GET /fragments/overview (the live-refreshed body).

import type { Context } from 'hono'
import { html, type PageDeps, pageFilters } from '../shared.tsx'
import { loadOverview } from './query.ts'
import { OverviewBody, OverviewPage } from './view.tsx'

/** Live updates only make sense while the range reaches the present. */
export const isLive = (to: Date, now: Date): boolean => to.getTime() > now.getTime()

export async function overviewPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'overview')
  if (!r.ok) return r.res
  const [d, options, prices] = await Promise.all([
    loadOverview(deps.data, r.f),
    deps.data.filterOptions(r.f),
    deps.data.prices(),
  ])
  return html(
    c,
    <OverviewPage
      f={r.f}
      d={d}
      options={options}
      prices={prices}
      live={isLive(r.f.to, deps.now())}
    />,
  )
}

export async function overviewFragment(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'overview')
  if (!r.ok) return r.res
  const d = await loadOverview(deps.data, r.f)
  return html(c, <OverviewBody f={r.f} d={d} live={isLive(r.f.to, deps.now())} />)
}
