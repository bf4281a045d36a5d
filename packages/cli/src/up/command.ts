// `tokentap up` as a CLI command (what `bun run start` runs).

import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'

export const up: CommandDef = {
  name: 'up',
  summary: 'start Postgres (embedded unless DATABASE_URL), the proxy and the dashboard',
  usage: `tokentap up

Runs everything in the foreground: Postgres (embedded, data in TOKENTAP_HOME/pg, unless
DATABASE_URL is set; as root it runs as the postgres user from binaries staged in
/var/lib/tokentap, with its data there too when that user cannot reach TOKENTAP_HOME), the
proxy (PROXY_HOST:PROXY_PORT) and the dashboard (DASHBOARD_HOST:DASHBOARD_PORT). Logs go to
stderr and TOKENTAP_HOME/logs/; Ctrl-C stops all. A failed start prints one line and exits 1.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {})
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const { up: start } = await import('./start.ts')
    // start() returns only when start-up failed, after stopping what it had started: exit now,
    // so a pool or worker a half-started service left open cannot keep the process alive.
    process.exit(await start(ctx.env, ctx.out))
  },
}
