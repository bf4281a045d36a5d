// `tokentap up` as a CLI command (what `bun run start` runs).

import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'

export const up: CommandDef = {
  name: 'up',
  summary: 'start Postgres (embedded unless DATABASE_URL), the proxy and the dashboard',
  usage: `tokentap up

Runs everything in the foreground: Postgres (embedded, data in TOKENTAP_HOME/pg, unless
DATABASE_URL is set), the proxy (PROXY_HOST:PROXY_PORT) and the dashboard
(DASHBOARD_HOST:DASHBOARD_PORT). Logs go to stderr and TOKENTAP_HOME/logs/; Ctrl-C stops all.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {})
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const { up: start } = await import('./start.ts')
    return start(ctx.env, ctx.out)
  },
}
