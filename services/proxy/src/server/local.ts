// The proxy's own endpoints, answered when it is addressed directly: /health and /metrics.

import type { RequestHead } from '../http1/head.ts'
import type { LocalResponse } from '../http1/respond.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'

export function localEndpoints(
  metrics: ProxyMetrics,
  health: () => Record<string, unknown>,
): (head: RequestHead) => LocalResponse {
  return (head) => {
    const path = head.target.split('?')[0]
    if (head.method === 'GET' && path === '/health') {
      return { status: 200, contentType: 'application/json', body: `${JSON.stringify(health())}\n` }
    }
    if (head.method === 'GET' && path === '/metrics') {
      return { status: 200, contentType: 'text/plain; version=0.0.4', body: metrics.render() }
    }
    return {
      status: 404,
      contentType: 'text/plain; charset=utf-8',
      body: 'tokentap proxy: set HTTPS_PROXY to this address; GET /health and /metrics are served here.\n',
    }
  }
}
