// `tokentap install` / `uninstall`: one marked block in the shell's rc file that evaluates
// `shell-init` at every shell start; idempotent, and uninstall restores the file byte for byte.

import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Env } from '@tokentap/shared'
import { readString } from '@tokentap/shared'
import { boolFlag, noExtraPositionals, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { selfArgv } from '../cli/self.ts'
import { hasBlock, insertBlock, removeBlock } from '../rc/block.ts'
import { removeFile, writeFileAtomic } from '../rc/write.ts'
import { detectShell, fishQuote, posixQuote, SHELLS, type Shell } from '../shell/render.ts'

export function rcFile(shell: Shell, env: Env): string {
  const home = readString(env, 'HOME') ?? ''
  if (shell === 'zsh') return join(readString(env, 'ZDOTDIR') ?? home, '.zshrc')
  if (shell === 'fish') {
    return join(readString(env, 'XDG_CONFIG_HOME') ?? join(home, '.config'), 'fish', 'config.fish')
  }
  return join(home, '.bashrc')
}

/** The block's body: run shell-init from this checkout, skipped if it has moved away. */
export function blockBody(shell: Shell, [bun, main]: [string, string]): string[] {
  const note =
    '# Routes LLM tools through tokentap while it runs (`tokentap uninstall` removes this).'
  if (shell === 'fish') {
    const [b, m] = [fishQuote(bun), fishQuote(main)]
    return [note, `if test -x ${b} -a -f ${m}; ${b} ${m} shell-init --shell fish | source; end`]
  }
  const [b, m] = [posixQuote(bun), posixQuote(main)]
  return [
    note,
    `if [ -x ${b} ] && [ -f ${m} ]; then eval "$(${b} ${m} shell-init --shell ${shell})"; fi`,
  ]
}

function shellOf(argv: string[], env: Env, usage: string): Shell | 'help' {
  const a = parseArgs(argv, { shell: { type: 'string' } })
  if (boolFlag(a, 'help')) return 'help'
  noExtraPositionals(a)
  const shell = detectShell(stringFlag(a, 'shell'), env.SHELL)
  if (!shell) {
    throw new UsageError(
      `cannot tell the shell from $SHELL; pass --shell ${SHELLS.join('|')}\n${usage}`,
    )
  }
  return shell
}

/** The rc file a command line names and its text now (null: no file), or help was asked. */
function rcTarget(
  argv: string[],
  env: Env,
  usage: string,
): { shell: Shell; file: string; before: string | null } | 'help' {
  const shell = shellOf(argv, env, usage)
  if (shell === 'help') return 'help'
  const file = rcFile(shell, env)
  return { shell, file, before: existsSync(file) ? readFileSync(file, 'utf8') : null }
}

export const install: CommandDef = {
  name: 'install',
  summary: 'add the shell-init block to your shell rc file',
  usage: `tokentap install [--shell bash|zsh|fish]

Adds one block, between "# >>> tokentap >>>" and "# <<< tokentap <<<", to ~/.bashrc,
~/.zshrc or ~/.config/fish/config.fish; new shells then route through the proxy while it runs.
Running it again updates the block in place.`,
  async run(argv, ctx) {
    const target = rcTarget(argv, ctx.env, this.usage)
    if (target === 'help') {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    const { shell, file, before } = target
    const after = insertBlock(before, blockBody(shell, selfArgv()))
    if (after === before) {
      ctx.out(`${file} already has the tokentap block\n`)
      return EXIT.ok
    }
    writeFileAtomic(file, after)
    ctx.out(`${hasBlock(before) ? 'updated' : 'added'} the tokentap block in ${file}\n`)
    ctx.out('open a new shell (or source the file) to use it\n')
    return EXIT.ok
  },
}

export const uninstall: CommandDef = {
  name: 'uninstall',
  summary: 'remove the shell-init block from your shell rc file',
  usage: `tokentap uninstall [--shell bash|zsh|fish]

Removes the block \`tokentap install\` added, leaving the file exactly as it was before.`,
  async run(argv, ctx) {
    const target = rcTarget(argv, ctx.env, this.usage)
    if (target === 'help') {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    const { file, before } = target
    if (before === null || !hasBlock(before)) {
      ctx.out(`${file} has no tokentap block\n`)
      return EXIT.ok
    }
    const after = removeBlock(before)
    if (after === null) removeFile(file)
    else writeFileAtomic(file, after)
    ctx.out(`removed the tokentap block from ${file}\n`)
    return EXIT.ok
  },
}
