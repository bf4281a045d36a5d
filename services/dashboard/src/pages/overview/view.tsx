/** @jsxImportSource hono/jsx */
// Overview page: totals per token bucket and cost, the cost/tokens chart (drawn by app.js
// from data-chart), and breakdowns. #overview-body is re-fetched live (fragment route); the
// price tables' line under it comes with the full page.

import {
  DIMENSIONS,
  type Dimension,
  type Filters,
  type PricesResponse,
  type TimeseriesPoint,
} from '@tokentap/shared/api'
import { BreakdownTable, EmptyState, TotalsCards } from '../../views/components.tsx'
import { FilterBar } from '../../views/filter-bar.tsx'
import { Layout } from '../../views/layout.tsx'
import { PriceTables } from '../../views/prices.tsx'
import { RangeLine } from '../../views/range.tsx'
import { link } from '../../views/url.ts'
import type { OverviewData } from './query.ts'

/** What app.js needs to draw the chart (epoch seconds; billed USD and subscription value;
 *  tokens). */
export function chartData(series: TimeseriesPoint[], bucket: string, timezone: string): string {
  return JSON.stringify({
    bucket,
    tz: timezone,
    t: series.map((p) => Math.floor(Date.parse(p.t) / 1000)),
    cost: series.map((p) => Math.round(p.billedCostUsd * 1e6) / 1e6),
    value: series.map((p) => Math.round(p.subscriptionValueUsd * 1e6) / 1e6),
    tokens: series.map(
      (p) =>
        p.inputTokens +
        p.outputTokens +
        p.cacheReadTokens +
        p.cacheWrite5mTokens +
        p.cacheWrite1hTokens,
    ),
  })
}

export function OverviewBody(props: { f: Filters; d: OverviewData; live: boolean }) {
  const { f, d, live } = props
  return (
    <div
      id="overview-body"
      data-live={live ? '' : undefined}
      hx-get={live ? link('/fragments/overview', f) : undefined}
      hx-trigger={live ? 'tt-live' : undefined}
      hx-swap={live ? 'outerHTML' : undefined}
    >
      {d.totals.requests === 0 ? (
        <EmptyState />
      ) : (
        <>
          <TotalsCards t={d.totals} />
          <figure class="chart-box">
            <figcaption>
              {`Cost and tokens per ${d.bucket}`}
              <span class="muted"> (tokens = input + output + cache read + cache write)</span>
            </figcaption>
            <div
              class="chart"
              role="img"
              aria-label={`Chart of cost and tokens per ${d.bucket}`}
              data-chart={chartData(d.series, d.bucket, f.timezone)}
            />
          </figure>
          <div class="breakdowns">
            {DIMENSIONS.map((by) => (
              <BreakdownTable by={by} rows={d.breakdowns[by]} f={f} />
            ))}
          </div>
        </>
      )}
    </div>
  )
}

export function OverviewPage(props: {
  f: Filters
  d: OverviewData
  options: Record<Dimension, string[]>
  prices: PricesResponse
  live: boolean
}) {
  const { f } = props
  return (
    <Layout
      title="Overview"
      section="overview"
      filters={f}
      stream={props.live ? link('/api/stream', f) : undefined}
    >
      <h1>Overview</h1>
      <RangeLine f={f} />
      <FilterBar action="/" f={f} options={props.options} />
      <OverviewBody f={f} d={props.d} live={props.live} />
      <PriceTables p={props.prices} timezone={f.timezone} />
    </Layout>
  )
}
