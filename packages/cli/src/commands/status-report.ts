// What `tokentap status` concludes from the proxy's /health and /metrics and the dashboard's
// /api/health (pure): one line per part and whether everything is up; from /api/limits, the
// accounts at or near a limit (information: the exit code does not depend on it).

import type { HealthResponse } from '@tokentap/shared/api'
import type { UpState } from '../state/state.ts'
import { asAccounts, limitLines, limitsSummary } from '../top/limits.ts'

/** The dashboard's /api/health body as read: the contract's fields, values unchecked. */
type DashboardHealthBody = { [K in keyof HealthResponse]?: unknown }

/** Unlabelled samples of a Prometheus text exposition (labelled series are skipped). */
export function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>()
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*) (\S+)$/.exec(line)
    if (m) out.set(m[1]!, Number(m[2]))
  }
  return out
}

export interface Probe {
  url: string
  /** null when unreachable; `error` says why. */
  status: number | null
  body: string
  error?: string
}

export interface StatusInput {
  state: UpState | null
  proxyHealth: Probe
  proxyMetrics: Probe
  dashboardHealth: Probe
  /** GET /api/limits; absent or failed: no limits section. */
  limits?: Probe
  /** For the limits section: the clock and the zone reset times are shown in. */
  now?: Date
  timeZone?: string
}

export interface StatusReport {
  ok: boolean
  lines: string[]
  json: Record<string, unknown>
}

function json(body: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(body) as unknown
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null
  } catch {
    return null
  }
}

function bytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

function down(p: Probe): string {
  return p.status === null ? `down (${p.error ?? 'unreachable'})` : `down (HTTP ${p.status})`
}

export function statusReport(i: StatusInput): StatusReport {
  const lines: string[] = []
  const row = (name: string, text: string): void => {
    lines.push(`${name.padEnd(10)} ${text}`)
  }
  if (i.state) {
    row('tokentap', `up (pid ${i.state.pid} since ${i.state.startedAt}); logs ${i.state.logFile}`)
  }

  const health = i.proxyHealth.status === 200 ? json(i.proxyHealth.body) : null
  const proxyOk = health?.status === 'ok'
  row(
    'proxy',
    proxyOk
      ? `ok  ${i.proxyHealth.url.replace(/\/health$/, '')}  (up ${health.uptimeSeconds ?? '?'} s, ${health.connections ?? 0} connections)`
      : `${down(i.proxyHealth)}  ${i.proxyHealth.url.replace(/\/health$/, '')}`,
  )

  const dash: DashboardHealthBody | null =
    i.dashboardHealth.status !== null ? json(i.dashboardHealth.body) : null
  const dashOk = i.dashboardHealth.status === 200 && dash?.status === 'ok'
  const dashUrl = i.dashboardHealth.url.replace(/\/api\/health$/, '')
  if (dashOk) row('dashboard', `ok  ${dashUrl}`)
  else if (dash) row('dashboard', `${String(dash.status ?? 'degraded')}  ${dashUrl}`)
  else row('dashboard', `${down(i.dashboardHealth)}  ${dashUrl}`)
  const dbText = typeof dash?.database === 'string' ? dash.database : null
  if (dbText !== null) row('database', dbText)

  let recordingOk = true
  const recording: Record<string, number> = {}
  if (proxyOk && i.proxyMetrics.status === 200) {
    const m = parseMetrics(i.proxyMetrics.body)
    const get = (k: string): number => m.get(k) ?? 0
    if (!m.has('tokentap_db_degraded')) {
      row('recording', 'not to Postgres (the proxy has no DATABASE_URL)')
    } else {
      const degraded = get('tokentap_db_degraded') === 1
      const dropped = get('tokentap_records_dropped')
      recordingOk = !degraded && dropped === 0
      Object.assign(recording, {
        written: get('tokentap_records_written'),
        queueDepth: get('tokentap_db_queue_depth'),
        spoolBytes: get('tokentap_spool_bytes'),
        spooled: get('tokentap_records_spooled'),
        dropped,
      })
      const state = degraded ? 'degraded (Postgres unreachable; records spool to disk)' : 'ok'
      row(
        'recording',
        `${state}  ${recording.written} written, queue ${recording.queueDepth}, ` +
          `spool ${bytes(get('tokentap_spool_bytes'))}, dropped ${dropped}`,
      )
    }
  } else if (proxyOk) {
    recordingOk = false
    row('recording', `unknown (${down(i.proxyMetrics)} for /metrics)`)
  }
  const accounts = i.limits?.status === 200 ? asAccounts(json(i.limits.body)) : null
  if (accounts !== null && accounts.length > 0) {
    const now = i.now ?? new Date()
    row('limits', limitsSummary(accounts, now))
    lines.push(...limitLines(accounts, { now, timeZone: i.timeZone ?? 'UTC', attentionOnly: true }))
  }
  if (!i.state && !proxyOk) lines.push('', 'Not running: start it with `tokentap up`.')

  const ok = proxyOk && dashOk && recordingOk
  return {
    ok,
    lines,
    json: {
      ok,
      up: i.state,
      proxy: { ok: proxyOk, url: i.proxyHealth.url, health },
      dashboard: { ok: dashOk, url: i.dashboardHealth.url, health: dash },
      recording: { ok: recordingOk, ...recording },
      ...(accounts !== null ? { limits: { accounts } } : {}),
    },
  }
}
