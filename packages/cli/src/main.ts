#!/usr/bin/env bun
// `tokentap <command>`: dispatches to one command module, imported on demand so that
// `shell-init` (run at every shell start) loads only what it needs. Exit codes: 0 ok,
// 1 failure (or a service down), 2 usage error; `run` exits with its command's code.

import { ConfigError } from '@tokentap/shared'
import { UsageError } from './cli/args.ts'
import { type CommandDef, EXIT } from './cli/command.ts'
import { type Ctx, realContext } from './cli/context.ts'

const COMMANDS: Record<string, () => Promise<CommandDef>> = {
  up: async () => (await import('./up/command.ts')).up,
  status: async () => (await import('./commands/status.ts')).status,
  open: async () => (await import('./commands/open.ts')).open,
  logs: async () => (await import('./commands/logs.ts')).logs,
  top: async () => (await import('./top/command.ts')).top,
  'shell-init': async () => (await import('./commands/shell-init.ts')).shellInit,
  install: async () => (await import('./commands/install.ts')).install,
  uninstall: async () => (await import('./commands/install.ts')).uninstall,
  env: async () => (await import('./commands/env.ts')).env,
  run: async () => (await import('./commands/run.ts')).run,
  ca: async () => (await import('./commands/ca.ts')).ca,
  'install-cert': async () => (await import('./cert/command.ts')).installCert,
  'uninstall-cert': async () => (await import('./cert/command.ts')).uninstallCert,
  service: async () => (await import('./service/command.ts')).service,
  reprice: async () => (await import('./reprice/command.ts')).reprice,
}

async function usage(): Promise<string> {
  const defs = await Promise.all(Object.values(COMMANDS).map((load) => load()))
  const width = Math.max(...defs.map((d) => d.name.length))
  return [
    'usage: tokentap <command> [options]   (tokentap <command> --help for details)',
    '',
    ...defs.map((d) => `  ${d.name.padEnd(width)}  ${d.summary}`),
    '',
    'Start:  tokentap up   then in your shell:  eval "$(tokentap shell-init)"  (or tokentap install)',
    '',
  ].join('\n')
}

export async function main(argv: string[], ctx: Ctx): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.out(await usage())
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  const load = COMMANDS[name]
  if (!load) {
    ctx.err(`tokentap: unknown command "${name}"\n\n${await usage()}`)
    return EXIT.usage
  }
  const cmd = await load()
  try {
    return await cmd.run(rest, ctx)
  } catch (e) {
    if (e instanceof UsageError) {
      ctx.err(`tokentap ${name}: ${e.message}\n\nusage: ${cmd.usage.split('\n')[0]}\n`)
      return EXIT.usage
    }
    const err = e as Error
    const text = e instanceof ConfigError ? `configuration error: ${err.message}` : err.message
    ctx.err(`tokentap ${name}: ${text}\n`)
    return EXIT.failed
  }
}

if (import.meta.main) {
  const code = await main(process.argv.slice(2), realContext())
  // `up` and `top` keep running and exit themselves; the others end here.
  process.exitCode = code
}
