// Overview data: totals, the time series (hourly up to two days, daily beyond) and a
// breakdown per dimension, fetched in parallel.

import {
  type BreakdownRow,
  type Bucket,
  DIMENSIONS,
  type Dimension,
  type Filters,
  type TimeseriesPoint,
  type Totals,
} from '@tokentap/shared/api'
import type { DataAccess } from '../../data/types.ts'

export const BREAKDOWN_LIMIT = 10
const HOURLY_UP_TO_MS = 2 * 24 * 3600_000

export interface OverviewData {
  totals: Totals
  bucket: Bucket
  series: TimeseriesPoint[]
  breakdowns: Record<Dimension, BreakdownRow[]>
}

export const bucketFor = (f: Filters): Bucket =>
  f.to.getTime() - f.from.getTime() <= HOURLY_UP_TO_MS ? 'hour' : 'day'

export async function loadOverview(data: DataAccess, f: Filters): Promise<OverviewData> {
  const bucket = bucketFor(f)
  const [totals, series, ...rows] = await Promise.all([
    data.summary(f),
    data.timeseries(f, bucket),
    ...DIMENSIONS.map((d) => data.breakdown(f, d, BREAKDOWN_LIMIT)),
  ])
  const breakdowns = Object.fromEntries(DIMENSIONS.map((d, i) => [d, rows[i] ?? []])) as Record<
    Dimension,
    BreakdownRow[]
  >
  return { totals, bucket, series, breakdowns }
}
