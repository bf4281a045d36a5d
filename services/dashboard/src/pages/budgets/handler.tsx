/** @jsxImportSource hono/jsx */
// GET /budgets: every configured budget's status now (query layer: DataAccess.budgets).

import type { Context } from 'hono'
import { html, type PageDeps, pageFilters } from '../shared.tsx'
import { BudgetsPage } from './view.tsx'

export async function budgetsPage(c: Context, deps: PageDeps): Promise<Response> {
  const r = pageFilters(c, deps, 'budgets')
  if (!r.ok) return r.res
  const budgets = await deps.data.budgets(deps.now())
  return html(c, <BudgetsPage budgets={budgets} f={r.f} />)
}
