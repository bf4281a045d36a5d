/** @jsxImportSource hono/jsx */
// GET /limits: every account's rate-limit and subscription windows (query layer:
// DataAccess.limits, over account_limits). The filters only give the viewer's zone.

import type { Context } from 'hono'
import { html, type PageDeps, pageFilters } from '../shared.tsx'
import { LimitsPage } from './view.tsx'

export async function limitsPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'limits')
  if (!r.ok) return r.res
  const now = deps.now()
  const accounts = await deps.data.limits(now)
  return html(c, <LimitsPage accounts={accounts} f={r.f} now={now} />)
}
