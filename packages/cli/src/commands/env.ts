// `tokentap env`: the same variables in dotenv format, for a project's .env; with -o the
// lines go into a marked block of that file (replaced on the next run, other lines kept).

import { existsSync, readFileSync } from 'node:fs'
import { boolFlag, noExtraPositionals, parseArgs, stringFlag } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { paths } from '../config/paths.ts'
import { insertBlock } from '../rc/block.ts'
import { writeFileAtomic } from '../rc/write.ts'
import { renderDotenv } from '../shell/render.ts'
import { ensureCa } from './ca.ts'
import { routing } from './routing.ts'

export const env: CommandDef = {
  name: 'env',
  summary: 'print the proxy variables as a .env file (or write them with -o FILE)',
  usage: `tokentap env [--project P] [-o FILE]

Prints the proxy variables in dotenv format (KEY=value), for the proxy that runs now or the
configured PROXY_HOST/PROXY_PORT. With -o FILE they are written into a marked block of FILE;
other lines are kept and a second run replaces the block.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, {
      output: { type: 'string', short: 'o' },
      project: { type: 'string' },
    })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    if (!existsSync(paths(ctx.env).caCert)) await ensureCa(ctx.env)
    const r = await routing(ctx.env, { project: stringFlag(a, 'project') ?? null, timeoutMs: 500 })
    if (!r) {
      ctx.err(`tokentap env: cannot read the CA certificate ${paths(ctx.env).caCert}\n`)
      return EXIT.failed
    }
    if (!r.running) ctx.err('tokentap env: note: the proxy is not running now (tokentap up)\n')
    const text = renderDotenv(r.vars)
    const file = stringFlag(a, 'output')
    if (file === undefined) {
      ctx.out(text)
      return EXIT.ok
    }
    const before = existsSync(file) ? readFileSync(file, 'utf8') : null
    writeFileAtomic(file, insertBlock(before, text.trimEnd().split('\n')), 0o600)
    ctx.err(`wrote ${r.vars.length} variables to ${file}\n`)
    return EXIT.ok
  },
}
