// The dashboard's HTML pages and the fragments their live updates fetch. Mounted at / behind
// auth by app.ts; every figure comes from DataAccess (data/).

import { Hono } from 'hono'
import type { DataAccess } from '../data/types.ts'
import { budgetsPage } from './budgets/handler.tsx'
import { eventDetailPage } from './event-detail/handler.tsx'
import { eventsPage, newerFragment } from './events/handler.tsx'
import { limitsPage } from './limits/handler.tsx'
import { overviewFragment, overviewPage } from './overview/handler.tsx'
import { sessionDetailPage, sessionFragment } from './session-detail/handler.tsx'
import { sessionsFragment, sessionsPage } from './sessions/handler.tsx'
import type { PageDeps } from './shared.tsx'

export function pageRoutes(deps: { data: DataAccess; now: () => Date }): Hono {
  const d: PageDeps = deps
  const app = new Hono()
  app.get('/', (c) => overviewPage(c, d))
  app.get('/events', (c) => eventsPage(c, d))
  app.get('/events/:id', (c) => eventDetailPage(c, d))
  app.get('/budgets', (c) => budgetsPage(c, d))
  app.get('/sessions', (c) => sessionsPage(c, d))
  app.get('/sessions/:id', (c) => sessionDetailPage(c, d))
  app.get('/fragments/sessions', (c) => sessionsFragment(c, d))
  app.get('/fragments/sessions/:id', (c) => sessionFragment(c, d))
  app.get('/limits', (c) => limitsPage(c, d))
  app.get('/fragments/overview', (c) => overviewFragment(c, d))
  app.get('/fragments/events/newer', (c) => newerFragment(c, d))
  return app
}
