// The JSON API (everything the pages show) and CSV exports, mounted behind auth. Filters come
// from data/filters.ts readFilters, as the pages read them; a bad filter is a FilterError, which
// app.ts answers with a JSON 400 naming it. Large CSV exports stream page by page over the
// event-log keyset. The sessions routes live in sessions.ts.

import {
  type BreakdownResponse,
  type Bucket,
  type BudgetsResponse,
  DIMENSIONS,
  type Dimension,
  type EventDetail,
  type EventsResponse,
  type FilterOptionsResponse,
  type Filters,
  type LimitsResponse,
  type PricesResponse,
  type SummaryResponse,
  type TimeseriesResponse,
} from '@tokentap/shared/api'
import { type Context, Hono } from 'hono'
import { FilterError, readFilters } from '../data/filters.ts'
import type { DataAccess } from '../data/types.ts'
import { BREAKDOWN_CSV_COLUMNS, csvLine, EVENT_CSV_COLUMNS, rowsToCsv } from './csv.ts'
import { csvHeaders, filtersJson, intParam } from './params.ts'
import { sessionRoutes } from './sessions.ts'

export interface ApiDeps {
  data: DataAccess
  now: () => Date
}

export const DEFAULT_EVENTS_LIMIT = 50
export const MAX_EVENTS_LIMIT = 500
/** Rows fetched per round trip while streaming events.csv. */
export const CSV_PAGE = 1000
/** Hourly series longer than this are refused (use bucket=day). */
export const MAX_HOURLY_DAYS = 93

function dimensionParam(c: Context): Dimension {
  const by = c.req.query('by') ?? 'model'
  if (!DIMENSIONS.includes(by as Dimension)) {
    throw new FilterError(`by: expected one of ${DIMENSIONS.join(', ')}`)
  }
  return by as Dimension
}

function bucketParam(c: Context, f: Filters): Bucket {
  const raw = c.req.query('bucket')
  const span = f.to.getTime() - f.from.getTime()
  const bucket = raw ?? (span <= 2 * 86_400_000 ? 'hour' : 'day')
  if (bucket !== 'hour' && bucket !== 'day') throw new FilterError('bucket: expected hour or day')
  if (bucket === 'hour' && span > MAX_HOURLY_DAYS * 86_400_000) {
    throw new FilterError(`bucket=hour: at most ${MAX_HOURLY_DAYS} days; use bucket=day`)
  }
  return bucket
}

/** events.csv body: header, then every matching event, newest first, fetched page by page. */
function eventsCsvStream(data: DataAccess, f: Filters): ReadableStream<Uint8Array> {
  const enc = new TextEncoder()
  let cursor: string | undefined
  let started = false
  let done = false
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true
        controller.enqueue(enc.encode(csvLine(EVENT_CSV_COLUMNS)))
        return
      }
      if (done) return controller.close()
      const page = await data.events(
        f,
        cursor === undefined ? { limit: CSV_PAGE } : { cursor, limit: CSV_PAGE },
      )
      if (page.events.length > 0) {
        controller.enqueue(enc.encode(rowsToCsv(EVENT_CSV_COLUMNS, page.events)))
      }
      if (page.nextCursor === null) {
        done = true
        controller.close()
      } else {
        cursor = page.nextCursor
      }
    },
  })
}

export function apiRoutes(deps: ApiDeps): Hono {
  const { data } = deps
  const app = new Hono()
  const filters = (c: Context): Filters => readFilters(c, deps.now())
  const noStore = (c: Context): void => c.header('cache-control', 'no-store')

  app.get('/summary', async (c) => {
    const f = filters(c)
    noStore(c)
    return c.json({
      filters: filtersJson(f),
      totals: await data.summary(f),
    } satisfies SummaryResponse)
  })

  app.get('/breakdown', async (c) => {
    const f = filters(c)
    const by = dimensionParam(c)
    const limit = c.req.query('limit') === undefined ? undefined : intParam(c, 'limit', 50, 10_000)
    noStore(c)
    return c.json({
      filters: filtersJson(f),
      by,
      rows: await data.breakdown(f, by, limit),
    } satisfies BreakdownResponse)
  })

  app.get('/breakdown.csv', async (c) => {
    const f = filters(c)
    const by = dimensionParam(c)
    const rows = await data.breakdown(f, by)
    const body =
      csvLine([by, ...BREAKDOWN_CSV_COLUMNS.slice(1)]) + rowsToCsv(BREAKDOWN_CSV_COLUMNS, rows)
    return c.body(body, 200, csvHeaders(`by-${by}`, f))
  })

  app.get('/timeseries', async (c) => {
    const f = filters(c)
    const bucket = bucketParam(c, f)
    noStore(c)
    return c.json({
      filters: filtersJson(f),
      bucket,
      points: await data.timeseries(f, bucket),
    } satisfies TimeseriesResponse)
  })

  app.get('/filter-options', async (c) => {
    const f = filters(c)
    noStore(c)
    return c.json({
      filters: filtersJson(f),
      options: await data.filterOptions(f),
    } satisfies FilterOptionsResponse)
  })

  app.get('/events', async (c) => {
    const f = filters(c)
    const limit = intParam(c, 'limit', DEFAULT_EVENTS_LIMIT, MAX_EVENTS_LIMIT)
    const cursor = c.req.query('cursor')
    const page = await data.events(f, cursor ? { cursor, limit } : { limit })
    noStore(c)
    return c.json({ filters: filtersJson(f), ...page } satisfies EventsResponse)
  })

  app.get('/events.csv', (c) => {
    const f = filters(c)
    return c.body(eventsCsvStream(data, f), 200, csvHeaders('events', f))
  })

  app.get('/events/:id', async (c) => {
    const e = await data.event(c.req.param('id'))
    noStore(c)
    if (!e) return c.json({ error: 'not_found', message: 'no such event' }, 404)
    return c.json(e satisfies EventDetail)
  })

  app.get('/budgets', async (c) => {
    noStore(c)
    return c.json({ budgets: await data.budgets(deps.now()) } satisfies BudgetsResponse)
  })

  app.get('/limits', async (c) => {
    noStore(c)
    const now = deps.now()
    return c.json({
      now: now.toISOString(),
      accounts: await data.limits(now),
    } satisfies LimitsResponse)
  })

  // The price tables behind the costs (issue 14).
  app.get('/prices', async (c) => {
    noStore(c)
    return c.json((await data.prices()) satisfies PricesResponse)
  })

  app.route('/', sessionRoutes(deps))

  return app
}
