// Proxy counters and gauges, rendered in the Prometheus text format for GET /metrics.

export interface ProxyMetrics {
  exchange(provider: string, outcome: string): void
  tunnelOpened(): void
  tunnelClosed(): void
  mitmOpened(): void
  mitmClosed(): void
  upstreamError(): void
  badRequest(): void
  /** A 407 in team mode: reason is missing, unknown_user or wrong_token. */
  authFailure(reason: string): void
  /** Gauges read at render time (leaf cache size, queue depth, …). */
  gauge(name: string, help: string, read: () => number): void
  render(): string
}

export function createMetrics(): ProxyMetrics {
  const exchanges = new Map<string, number>()
  const authFailures = new Map<string, number>()
  const counters = { tunnels: 0, upstreamErrors: 0, badRequests: 0, mitm: 0 }
  const active = { tunnels: 0, mitm: 0 }
  const gauges: { name: string; help: string; read: () => number }[] = []
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')
  return {
    exchange(provider, outcome) {
      const k = `provider="${esc(provider)}",outcome="${esc(outcome)}"`
      exchanges.set(k, (exchanges.get(k) ?? 0) + 1)
    },
    tunnelOpened() {
      counters.tunnels++
      active.tunnels++
    },
    tunnelClosed() {
      active.tunnels--
    },
    mitmOpened() {
      counters.mitm++
      active.mitm++
    },
    mitmClosed() {
      active.mitm--
    },
    upstreamError() {
      counters.upstreamErrors++
    },
    badRequest() {
      counters.badRequests++
    },
    authFailure(reason) {
      authFailures.set(reason, (authFailures.get(reason) ?? 0) + 1)
    },
    gauge(name, help, read) {
      gauges.push({ name, help, read })
    },
    render() {
      const lines: string[] = [
        '# HELP tokentap_exchanges_total Exchanges recorded, by provider and outcome.',
        '# TYPE tokentap_exchanges_total counter',
      ]
      for (const [k, v] of exchanges) lines.push(`tokentap_exchanges_total{${k}} ${v}`)
      lines.push(
        '# HELP tokentap_proxy_auth_failures_total Requests refused with 407, by reason.',
        '# TYPE tokentap_proxy_auth_failures_total counter',
      )
      for (const [k, v] of authFailures) {
        lines.push(`tokentap_proxy_auth_failures_total{reason="${esc(k)}"} ${v}`)
      }
      const simple: [string, string, 'counter' | 'gauge', number][] = [
        ['tokentap_tunnels_total', 'Blind CONNECT tunnels opened.', 'counter', counters.tunnels],
        ['tokentap_tunnels_active', 'Blind tunnels open now.', 'gauge', active.tunnels],
        ['tokentap_mitm_connections_total', 'Intercepted CONNECTs.', 'counter', counters.mitm],
        ['tokentap_mitm_connections_active', 'Intercepted CONNECTs open.', 'gauge', active.mitm],
        [
          'tokentap_upstream_errors_total',
          'Upstream failures.',
          'counter',
          counters.upstreamErrors,
        ],
        ['tokentap_bad_requests_total', 'Malformed client input.', 'counter', counters.badRequests],
      ]
      for (const g of gauges) simple.push([g.name, g.help, 'gauge', g.read()])
      for (const [name, help, type, v] of simple) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${v}`)
      }
      return `${lines.join('\n')}\n`
    },
  }
}
