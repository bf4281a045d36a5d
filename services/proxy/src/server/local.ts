// The proxy's own endpoints, answered when it is addressed directly: /health and /metrics.

import type { RequestHead } from '../http1/head.ts'
import type { LocalResponse } from '../http1/respond.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'

/** `metricsText`: with PROXY_WORKERS, every worker's metrics summed (asked of the supervisor). */
export function localEndpoints(
  metrics: ProxyMetrics,
  health: () => Record<string, unknown>,
  metricsText?: () => Promise<string>,
): (head: RequestHead) => LocalResponse | Promise<LocalResponse> {
  return (head) => {
    const path = head.target.split('?')[0]
    if (head.method === 'GET' && path === '/health') {
      return { status: 200, contentType: 'application/json', body: `${JSON.stringify(health())}\n` }
    }
    if (head.method === 'GET' && path === '/metrics') {
      const answer = (body: string): LocalResponse => ({
        status: 200,
        contentType: 'text/plain; version=0.0.4',
        body,
      })
      return metricsText ? metricsText().then(answer) : answer(metrics.render())
    }
    return {
      status: 404,
      contentType: 'text/plain; charset=utf-8',
      body: 'tokentap proxy: set HTTPS_PROXY to this address; GET /health and /metrics are served here.\n',
    }
  }
}
