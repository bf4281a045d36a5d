// `tokentap run [--project P] -- CMD …`: one command through the proxy with the proxy
// variables (and USER+PROJECT in the proxy credentials); exits with the command's code and
// forwards signals to it.

import { constants } from 'node:os'
import { boolFlag, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { httpUrl, proxyAddress } from '../config/paths.ts'
import { routing } from './routing.ts'

const FORWARDED = ['SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const

export const run: CommandDef = {
  name: 'run',
  summary: 'run one command through the proxy (optionally tagged with a project)',
  usage: `tokentap run [--project P] [--] CMD [ARGS…]

Runs CMD with the proxy variables set; the proxy records USER (TOKENTAP_USER or $USER) and P.
Exits with CMD's exit code (128+N when a signal N ended it). Fails when no proxy runs.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { project: { type: 'string' } }, { stopAtPositional: true })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    const cmd = a.rest
    if (cmd.length === 0) throw new UsageError('no command given: tokentap run -- CMD …')
    const r = await routing(ctx.env, { project: stringFlag(a, 'project') ?? null, timeoutMs: 1000 })
    if (!r?.running) {
      const where = httpUrl(r?.proxy ?? proxyAddress(ctx.env))
      ctx.err(`tokentap run: no proxy is running at ${where}; start it with \`tokentap up\`\n`)
      return EXIT.failed
    }
    const env: Record<string, string | undefined> = { ...ctx.env }
    for (const [k, v] of r.vars) env[k] = v
    // Handlers first, so a signal that arrives as soon as CMD runs is forwarded too.
    // Ctrl-C at a terminal already reaches the child (same process group); from elsewhere
    // (kill -INT) it is forwarded like the others.
    let child: ReturnType<typeof Bun.spawn> | null = null
    const signals = [...FORWARDED, ...(process.stdin.isTTY ? [] : (['SIGINT'] as const))]
    const offs = signals.map((sig) => {
      const h = (): void => {
        child?.kill(sig)
      }
      process.on(sig, h)
      return () => process.off(sig, h)
    })
    const ignoreInt = (): void => {}
    if (process.stdin.isTTY) process.on('SIGINT', ignoreInt)
    const cleanup = (): void => {
      for (const off of offs) off()
      process.off('SIGINT', ignoreInt)
    }
    try {
      child = Bun.spawn(cmd, { env, stdio: ['inherit', 'inherit', 'inherit'] })
    } catch (e) {
      cleanup()
      ctx.err(`tokentap run: ${cmd[0]}: ${(e as Error).message}\n`)
      return 127
    }
    const code = await child.exited
    cleanup()
    const sig = child.signalCode
    if (sig) return 128 + (constants.signals[sig as keyof typeof constants.signals] ?? 0)
    return code
  },
}
