// `tokentap open`: the dashboard in the browser (xdg-open / open); prints the URL, which is all
// it can do when there is no opener (a server, a container).

import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { dashboardAddress, httpUrl, paths } from '../config/paths.ts'
import { runningState } from '../state/state.ts'

export function opener(platform: NodeJS.Platform, which: (cmd: string) => string | null) {
  const cmd = platform === 'darwin' ? 'open' : platform === 'win32' ? null : 'xdg-open'
  return cmd && which(cmd) ? cmd : null
}

export const open: CommandDef = {
  name: 'open',
  summary: 'open the dashboard in the browser (prints its URL)',
  usage: `tokentap open [--print]

Opens the dashboard of the running \`tokentap up\` (or DASHBOARD_HOST:DASHBOARD_PORT) with
xdg-open or open, and prints its URL; --print only prints it.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { print: { type: 'boolean' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const state = runningState(paths(ctx.env).stateFile)
    const url = httpUrl(state?.dashboard ?? dashboardAddress(ctx.env))
    ctx.out(`${url}\n`)
    const cmd = boolFlag(a, 'print') ? null : opener(ctx.platform, (c) => Bun.which(c))
    if (!cmd) return EXIT.ok
    const r = await ctx.run([cmd, url])
    if (r.code !== 0) {
      ctx.err(`tokentap open: ${cmd} failed (${r.code}): ${r.stderr.trim()}\n`)
      return EXIT.failed
    }
    return EXIT.ok
  },
}
