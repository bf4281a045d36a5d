// Turns round records into the summary: per figure the median over rounds for direct and for
// proxied, the added time or proxied/direct ratio, the target and pass/miss, plus per-scenario
// CPU% (generator, upstream, proxy) and the proxy's peak RSS. Prints a table.

import type { Mode } from './http-client.ts'
import type { RoundRecord } from './runner.ts'
import { fmt, fmtInt, median } from './stats.ts'

type Kind = 'added' | 'ratio' | 'proxied'

interface RowDef {
  scenario: string
  label: string
  key: string
  kind: Kind
  /** Target on the added ms (≤), the ratio (≥) or the proxied value (≤); none = info row. */
  target?: number
  /** 'rss': the proxied value is the proxy's peak RSS, not a scenario value. */
  source?: 'rss'
  /** Kind 'proxied' with a floor: pass when the value is ≥ target. */
  atLeast?: true
}

const ROWS: RowDef[] = [
  { scenario: 'a', label: 'latency p50 ms', key: 'p50', kind: 'added', target: 0.2 },
  { scenario: 'a', label: 'latency p99 ms', key: 'p99', kind: 'added' },
  { scenario: 'b', label: 'throughput req/s', key: 'rps', kind: 'ratio', target: 0.5 },
  { scenario: 'b', label: 'latency p99 ms', key: 'p99', kind: 'added' },
  { scenario: 'c', label: 'throughput req/s', key: 'rps', kind: 'ratio', target: 0.6 },
  { scenario: 'c', label: 'latency p50 ms', key: 'p50', kind: 'added' },
  { scenario: 'd', label: 'TTFB p50 ms', key: 'ttfbP50', kind: 'added' },
  { scenario: 'd', label: 'TTFB p99 ms', key: 'ttfbP99', kind: 'added' },
  { scenario: 'd', label: 'event delay p50 ms', key: 'delayP50', kind: 'added' },
  { scenario: 'd', label: 'event delay p99 ms', key: 'delayP99', kind: 'added', target: 1 },
  { scenario: 'e', label: 'TTFB p50 ms', key: 'ttfbP50', kind: 'added' },
  { scenario: 'e', label: 'TTFB p99 ms', key: 'ttfbP99', kind: 'proxied', target: 20 },
  { scenario: 'e', label: 'TTFB p99, ≥80% open', key: 'ttfbP99Crowded', kind: 'added' },
  {
    scenario: 'e',
    label: 'proxy peak RSS MB',
    key: 'rss',
    kind: 'proxied',
    target: 100,
    source: 'rss',
  },
  { scenario: 'f', label: 'throughput MiB/s', key: 'mibps', kind: 'ratio', target: 0.5 },
  { scenario: 'j', label: 'TTFB p50 ms', key: 'ttfbP50', kind: 'added' },
  { scenario: 'j', label: 'TTFB p99 ms', key: 'ttfbP99', kind: 'proxied', target: 20 },
  { scenario: 'j', label: 'open→first byte p50 ms', key: 'openTtfbP50', kind: 'added' },
  { scenario: 'j', label: 'open→first byte p99 ms', key: 'openTtfbP99', kind: 'added' },
  { scenario: 'j', label: 'proxy peak RSS MB', key: 'rss', kind: 'proxied', source: 'rss' },
  { scenario: 'k', label: 'streams held', key: 'held', kind: 'ratio', target: 1 },
  { scenario: 'k', label: 'TTFB p99 ms', key: 'ttfbP99', kind: 'added' },
  { scenario: 'k', label: 'open all ms', key: 'setupMs', kind: 'ratio' },
  {
    scenario: 'k',
    label: 'proxy peak RSS MB',
    key: 'rss',
    kind: 'proxied',
    target: 400,
    source: 'rss',
  },
  {
    scenario: 'g',
    label: 'ingest records/s',
    key: 'recordsPerSecond',
    kind: 'proxied',
    target: 20_000,
    atLeast: true,
  },
  { scenario: 'g', label: 'batch commit p95 ms', key: 'flushMsP95', kind: 'proxied' },
  { scenario: 'h', label: 'latency p50 ms', key: 'p50', kind: 'added', target: 0.1 },
  { scenario: 'h', label: 'latency p99 ms', key: 'p99', kind: 'added' },
  { scenario: 'h', label: 'records spooled', key: 'spooled', kind: 'proxied' },
  { scenario: 'h', label: 'spool MB', key: 'spoolMb', kind: 'proxied' },
]

export interface SummaryRow {
  scenario: string
  title: string
  metric: string
  direct: number
  proxied: number
  kind: Kind
  /** proxied − direct (added) or proxied / direct (ratio), or the proxied value. */
  derived: number
  target: number | null
  pass: boolean | null
  /** The target is a floor (≥) on the proxied value. */
  atLeast?: true
  genCpuPct: { direct: number; proxied: number }
  upstreamCpuPct: { direct: number; proxied: number }
  proxyCpuPct: number
  /** Everything else on the machine, max over the scenario's rounds (contention check). */
  otherCpuPctMax: number
  proxyPeakRssMb: number
  /** Median proxy RSS when the proxied rounds began. */
  proxyStartRssMb: number
  errors: { direct: number; proxied: number }
}

const pick = (recs: RoundRecord[], mode: Mode, f: (r: RoundRecord) => number | undefined) =>
  median(
    recs
      .filter((r) => r.mode === mode)
      .map((r) => f(r) ?? Number.NaN)
      .filter(Number.isFinite),
  )

export function summarize(records: RoundRecord[], titles: Record<string, string>): SummaryRow[] {
  const rows: SummaryRow[] = []
  for (const def of ROWS) {
    const recs = records.filter((r) => r.scenario === def.scenario)
    if (recs.length === 0) continue
    const proxyRecs = recs.filter((r) => r.mode === 'proxy')
    const peakRss = Math.max(...proxyRecs.map((r) => r.measure?.proxyPeakRssMb ?? Number.NaN))
    const direct =
      def.source === 'rss' ? Number.NaN : pick(recs, 'direct', (r) => r.out.values[def.key])
    const proxied =
      def.source === 'rss' ? peakRss : pick(recs, 'proxy', (r) => r.out.values[def.key])
    const derived =
      def.kind === 'added' ? proxied - direct : def.kind === 'ratio' ? proxied / direct : proxied
    const t = def.target
    const pass =
      t === undefined || !Number.isFinite(derived)
        ? null
        : def.kind === 'ratio' || def.atLeast
          ? derived >= t
          : derived <= t
    rows.push({
      scenario: def.scenario,
      title: titles[def.scenario] ?? def.scenario,
      metric: def.label,
      direct,
      proxied,
      kind: def.kind,
      derived,
      target: t ?? null,
      pass,
      ...(def.atLeast ? { atLeast: true as const } : {}),
      genCpuPct: {
        direct: pick(recs, 'direct', (r) => r.measure?.genCpuPct),
        proxied: pick(recs, 'proxy', (r) => r.measure?.genCpuPct),
      },
      upstreamCpuPct: {
        direct: pick(recs, 'direct', (r) => r.measure?.upstreamCpuPct),
        proxied: pick(recs, 'proxy', (r) => r.measure?.upstreamCpuPct),
      },
      proxyCpuPct: pick(recs, 'proxy', (r) => r.measure?.proxyCpuPct),
      otherCpuPctMax: Math.max(...recs.map((r) => r.measure?.otherCpuPct ?? 0)),
      proxyPeakRssMb: peakRss,
      proxyStartRssMb: pick(recs, 'proxy', (r) => r.measure?.proxyStartRssMb),
      errors: {
        direct: recs.filter((r) => r.mode === 'direct').reduce((n, r) => n + r.out.errors, 0),
        proxied: proxyRecs.reduce((n, r) => n + r.out.errors, 0),
      },
    })
  }
  return rows
}

const num = (v: number): string => (Math.abs(v) >= 1000 ? fmtInt(v) : fmt(v, v >= 100 ? 0 : 2))

function targetText(r: SummaryRow): string {
  if (r.target === null) return ''
  if (r.kind === 'ratio') return `≥ ${r.target}×`
  if (r.atLeast) return `≥ ${fmtInt(r.target)}`
  if (r.kind === 'added') return `+≤ ${r.target} ms`
  return `≤ ${r.target}`
}

function derivedText(r: SummaryRow): string {
  if (r.kind === 'ratio') return `${fmt(r.derived, 2)}×`
  if (r.kind === 'added') return `${r.derived >= 0 ? '+' : ''}${fmt(r.derived, 3)}`
  return ''
}

export function renderTable(rows: SummaryRow[]): string {
  const head = [
    'metric',
    'direct',
    'proxied',
    'Δ / ratio',
    'target',
    'result',
    'gen CPU% d/p',
    'up CPU% d/p',
    'proxy CPU%',
    'other CPU% max',
    'proxy RSS MB start→peak',
    'errors d/p',
  ]
  const body: string[][] = []
  let last = ''
  for (const r of rows) {
    const first = r.scenario !== last
    last = r.scenario
    body.push([
      r.metric,
      r.kind === 'proxied' && !Number.isFinite(r.direct) ? '' : num(r.direct),
      num(r.proxied),
      derivedText(r),
      targetText(r),
      r.pass === null ? '' : r.pass ? 'PASS' : 'MISS',
      first ? `${fmt(r.genCpuPct.direct, 0)}/${fmt(r.genCpuPct.proxied, 0)}` : '',
      first ? `${fmt(r.upstreamCpuPct.direct, 0)}/${fmt(r.upstreamCpuPct.proxied, 0)}` : '',
      first ? fmt(r.proxyCpuPct, 0) : '',
      first ? fmt(r.otherCpuPctMax, 0) : '',
      first ? `${fmt(r.proxyStartRssMb, 0)}→${fmt(r.proxyPeakRssMb, 0)}` : '',
      first ? `${r.errors.direct}/${r.errors.proxied}` : '',
    ])
  }
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)))
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i < 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')
  const out = [line(head), widths.map((w) => '─'.repeat(w)).join('  ')]
  last = ''
  for (let i = 0; i < body.length; i++) {
    const r = rows[i]!
    if (r.scenario !== last && last !== '') out.push('')
    if (r.scenario !== last) out.push(`${r.scenario}) ${r.title}`)
    last = r.scenario
    out.push(line(body[i]!))
  }
  return out.join('\n')
}

/**
 * The proxy's own account per scenario (exchange records by outcome and upstream errors from
 * /metrics, proxied rounds incl. warm-up), next to the errors the generator saw. Outcomes other
 * than `ok` while the generator saw none point at wrong records in the proxy.
 */
export function renderRecords(records: RoundRecord[]): string[] {
  const lines: string[] = []
  for (const id of [...new Set(records.map((r) => r.scenario))]) {
    const proxied = records.filter((r) => r.scenario === id && r.mode === 'proxy')
    const sum: Record<string, number> = {}
    for (const r of proxied) {
      for (const [k, v] of Object.entries(r.proxyRecords ?? {})) sum[k] = (sum[k] ?? 0) + v
    }
    const seen = proxied.reduce((n, r) => n + r.out.errors, 0)
    const text = Object.entries(sum)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')
    const odd = Object.keys(sum).some((k) => !['ok', 'upstream_connects'].includes(k))
      ? '  ← not all ok'
      : ''
    lines.push(`  ${id}: ${text || 'none'}; generator saw ${seen} errors${odd}`)
  }
  return lines
}
