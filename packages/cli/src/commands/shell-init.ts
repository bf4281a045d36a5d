// `tokentap shell-init`: exports for `eval "$(tokentap shell-init)"`. Prints nothing when no
// proxy runs (a stopped proxy must never break a shell); bounded to one ~150 ms connect.

import { boolFlag, noExtraPositionals, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { detectShell, renderShell, SHELLS } from '../shell/render.ts'
import { routing } from './routing.ts'

export const shellInit: CommandDef = {
  name: 'shell-init',
  summary: 'print the exports that route this shell through the proxy',
  usage: `tokentap shell-init [--shell bash|zsh|fish] [--project P]

Prints HTTPS_PROXY, HTTP_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS and the CA bundle variables
(SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, CODEX_CA_CERTIFICATE, GIT_SSL_CAINFO,
AWS_CA_BUNDLE) for the shell (default: from $SHELL). Prints nothing when the proxy is not
running. Use:  eval "$(tokentap shell-init)"   (fish: tokentap shell-init | source)`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { shell: { type: 'string' }, project: { type: 'string' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const flag = stringFlag(a, 'shell')
    if (flag !== undefined && detectShell(flag, undefined) === null) {
      throw new UsageError(`--shell must be one of ${SHELLS.join(', ')}`)
    }
    // Unknown $SHELL: POSIX syntax, which sh, ksh and friends read too.
    const shell = detectShell(flag, ctx.env.SHELL) ?? 'bash'
    const r = await routing(ctx.env, {
      project: stringFlag(a, 'project') ?? null,
      timeoutMs: 150,
      requireRunning: true,
    })
    if (r?.running) ctx.out(renderShell(shell, r.vars))
    return EXIT.ok
  },
}
