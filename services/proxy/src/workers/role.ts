// What a proxy process needs to know when it is one of PROXY_WORKERS (app.ts reads it).

import type { FlushInfo } from '../sink/postgres-types.ts'

export interface WorkerRole {
  index: number
  /** PROXY_WORKERS: how many workers share the port. */
  count: number
  /** Runs what one process does for all: alerts (budgets, digest, limits) and body retention. */
  singletons: boolean
  /** A committed flush of this worker, for the alerts in the singleton worker. */
  forwardFlush(info: FlushInfo): void
  /** GET /metrics: every worker's metrics, summed (this one's included). */
  gatherMetrics(): Promise<string>
}
