// `tokentap status`: proxy, dashboard, database and recording health; exits 1 when a part is
// down or records are not reaching Postgres. Also the accounts at or near a rate-limit or
// subscription window (the dashboard's /api/limits), which never change the exit code.

import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { authHeaders, dropProxyEnv, getText } from '../cli/http.ts'
import { dashboardAddress, httpUrl, paths, proxyAddress } from '../config/paths.ts'
import { runningState } from '../state/state.ts'
import { type Probe, statusReport } from './status-report.ts'

async function probe(
  url: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<Probe> {
  const r = await getText(url, timeoutMs, headers)
  return r.ok
    ? { url, status: r.status, body: r.body }
    : { url, status: null, body: '', error: r.error }
}

export const status: CommandDef = {
  name: 'status',
  summary: 'show proxy, dashboard, database and recording health (exit 1 when down)',
  usage: `tokentap status [--json] [--timeout MS]

Asks the proxy (/health, /metrics) and the dashboard (/api/health, /api/limits) found in the
state file of a running \`tokentap up\`, else at PROXY_HOST:PROXY_PORT and
DASHBOARD_HOST:DASHBOARD_PORT. Lists the accounts at or near a rate-limit or subscription window.
Exits 0 when everything is up and recording, 1 otherwise.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { json: { type: 'boolean' }, timeout: { type: 'string' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const timeoutMs = Number(a.flags.timeout ?? 2000)
    dropProxyEnv()
    const state = runningState(paths(ctx.env).stateFile)
    const proxy = httpUrl(state?.proxy ?? proxyAddress(ctx.env))
    const dashboard = httpUrl(state?.dashboard ?? dashboardAddress(ctx.env))
    const [proxyHealth, proxyMetrics, dashboardHealth, limits] = await Promise.all([
      probe(`${proxy}/health`, timeoutMs),
      probe(`${proxy}/metrics`, timeoutMs),
      probe(`${dashboard}/api/health`, timeoutMs, authHeaders(ctx.env)),
      probe(`${dashboard}/api/limits`, timeoutMs, authHeaders(ctx.env)),
    ])
    const report = statusReport({
      state,
      proxyHealth,
      proxyMetrics,
      dashboardHealth,
      limits,
      now: ctx.now(),
      timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    })
    if (boolFlag(a, 'json')) ctx.out(`${JSON.stringify(report.json, null, 2)}\n`)
    else ctx.out(`${report.lines.join('\n')}\n`)
    return report.ok ? EXIT.ok : EXIT.failed
  },
}
