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
  /** A destination refused (403) or unresolvable (502): loopback, private, port, … */
  destinationRefused(reason: string): void
  /** A client connection refused over a limit: max_connections or max_connections_per_user. */
  connectionRefused(reason: string): void
  /** Connections closed because their user was removed or their token revoked. */
  connectionsRevoked(count: number): void
  /** A relay closed for silence: tunnel (blind CONNECT) or upgrade (WebSocket). */
  idleTimeout(kind: string): void
  /** Gauges read at render time (leaf cache size, queue depth, …). */
  gauge(name: string, help: string, read: () => number): void
  /** A gauge with one label, e.g. open connections by state. */
  labelledGauge(name: string, help: string, label: string, read: () => Record<string, number>): void
  render(): string
}

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')

/** Counters by one label's value, rendered with their HELP and TYPE lines. */
class LabelledCounter {
  private readonly values = new Map<string, number>()
  constructor(
    readonly name: string,
    readonly help: string,
    readonly label: string,
  ) {}
  add(value: string, n = 1): void {
    this.values.set(value, (this.values.get(value) ?? 0) + n)
  }
  render(lines: string[]): void {
    lines.push(`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`)
    for (const [k, v] of this.values) lines.push(`${this.name}{${this.label}="${esc(k)}"} ${v}`)
  }
}

export function createMetrics(): ProxyMetrics {
  const exchanges = new Map<string, number>()
  const authFailures = new LabelledCounter(
    'tokentap_proxy_auth_failures_total',
    'Requests refused with 407, by reason.',
    'reason',
  )
  const destinations = new LabelledCounter(
    'tokentap_destinations_refused_total',
    'CONNECTs and http:// requests refused for their destination (403, or 502 unresolvable), by reason.',
    'reason',
  )
  const refusedConnections = new LabelledCounter(
    'tokentap_connections_refused_total',
    'Client connections refused over a limit (503 / 429), by reason.',
    'reason',
  )
  const idleTimeouts = new LabelledCounter(
    'tokentap_idle_timeouts_total',
    'Relays closed after PROXY_TUNNEL_IDLE_TIMEOUT_MS of silence, by kind.',
    'kind',
  )
  const counters = { tunnels: 0, upstreamErrors: 0, badRequests: 0, mitm: 0, revoked: 0 }
  const active = { tunnels: 0, mitm: 0 }
  const gauges: { name: string; help: string; read: () => number }[] = []
  const labelled: {
    name: string
    help: string
    label: string
    read: () => Record<string, number>
  }[] = []
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
    authFailure: (reason) => authFailures.add(reason),
    destinationRefused: (reason) => destinations.add(reason),
    connectionRefused: (reason) => refusedConnections.add(reason),
    connectionsRevoked(count) {
      counters.revoked += count
    },
    idleTimeout: (kind) => idleTimeouts.add(kind),
    gauge(name, help, read) {
      gauges.push({ name, help, read })
    },
    labelledGauge(name, help, label, read) {
      labelled.push({ name, help, label, read })
    },
    render() {
      const lines: string[] = [
        '# HELP tokentap_exchanges_total Exchanges recorded, by provider and outcome.',
        '# TYPE tokentap_exchanges_total counter',
      ]
      for (const [k, v] of exchanges) lines.push(`tokentap_exchanges_total{${k}} ${v}`)
      for (const c of [authFailures, destinations, refusedConnections, idleTimeouts])
        c.render(lines)
      for (const g of labelled) {
        lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`)
        for (const [k, v] of Object.entries(g.read())) {
          lines.push(`${g.name}{${g.label}="${esc(k)}"} ${v}`)
        }
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
        [
          'tokentap_connections_revoked_total',
          'Connections closed because their user was removed or their token changed.',
          'counter',
          counters.revoked,
        ],
      ]
      for (const g of gauges) simple.push([g.name, g.help, 'gauge', g.read()])
      for (const [name, help, type, v] of simple) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${v}`)
      }
      return `${lines.join('\n')}\n`
    },
  }
}
