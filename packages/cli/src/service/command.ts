// `tokentap service install|uninstall`: a systemd user unit (Linux) or a launchd agent (macOS)
// running `tokentap up` at login. Writes or removes the file; prints the command that enables
// or stops it, or runs it with --yes.

import { existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { type Env, readString } from '@tokentap/shared'
import { shellLine } from '../cert/plan.ts'
import { boolFlag, parseArgs, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { selfArgv } from '../cli/self.ts'
import { paths } from '../config/paths.ts'
import { removeFile, writeFileAtomic } from '../rc/write.ts'
import {
  LAUNCHD_LABEL,
  launchdPlist,
  SERVICE_VARS,
  SYSTEMD_UNIT,
  systemdUnit,
  type UnitInput,
} from './units.ts'

export interface ServicePlan {
  file: string
  /** Extra files to remove on uninstall (systemd's enable symlink). */
  links: string[]
  content: string
  enable: string[][]
  disable: string[][]
}

export function servicePlan(
  platform: NodeJS.Platform,
  env: Env,
  argv: string[],
  uid: number,
): ServicePlan | null {
  const home = readString(env, 'HOME') ?? ''
  const p = paths(env)
  const vars: [string, string][] = [['TOKENTAP_HOME', p.home]]
  for (const k of SERVICE_VARS) {
    const v = readString(env, k)
    if (v !== undefined) vars.push([k, v])
  }
  const unit: UnitInput = { argv: [...argv, 'up'], env: vars, home: p.home }
  if (platform === 'linux') {
    const dir = join(readString(env, 'XDG_CONFIG_HOME') ?? join(home, '.config'), 'systemd', 'user')
    return {
      file: join(dir, SYSTEMD_UNIT),
      links: [join(dir, 'default.target.wants', SYSTEMD_UNIT)],
      content: systemdUnit(unit),
      enable: [
        ['systemctl', '--user', 'daemon-reload'],
        ['systemctl', '--user', 'enable', '--now', SYSTEMD_UNIT],
      ],
      disable: [
        ['systemctl', '--user', 'stop', SYSTEMD_UNIT],
        ['systemctl', '--user', 'daemon-reload'],
      ],
    }
  }
  if (platform === 'darwin') {
    const file = join(home, 'Library', 'LaunchAgents', `${LAUNCHD_LABEL}.plist`)
    return {
      file,
      links: [],
      content: launchdPlist(unit),
      enable: [['launchctl', 'bootstrap', `gui/${uid}`, file]],
      disable: [['launchctl', 'bootout', `gui/${uid}/${LAUNCHD_LABEL}`]],
    }
  }
  return null
}

export const service: CommandDef = {
  name: 'service',
  summary: 'install|uninstall a systemd user unit / launchd agent running `tokentap up`',
  usage: `tokentap service install|uninstall [--yes]

install writes ~/.config/systemd/user/tokentap.service (Linux) or
~/Library/LaunchAgents/dev.tokentap.plist (macOS) running \`tokentap up\` from this checkout,
with TOKENTAP_HOME and the PROXY_/DASHBOARD_ host and port variables set now; more settings go
in TOKENTAP_HOME/service.env (systemd). It prints the command that enables it; --yes runs it.
uninstall stops it (--yes) or prints how, and removes the file.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { yes: { type: 'boolean', short: 'y' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    const action = a.positionals[0]
    if (a.positionals.length !== 1 || (action !== 'install' && action !== 'uninstall')) {
      throw new UsageError('expected `service install` or `service uninstall`')
    }
    const plan = servicePlan(ctx.platform, ctx.env, selfArgv(), process.getuid?.() ?? 0)
    if (!plan) {
      ctx.err(`tokentap service: no service manager supported on ${ctx.platform}\n`)
      return EXIT.failed
    }
    const steps = async (cmds: string[][]): Promise<number> => {
      if (!boolFlag(a, 'yes')) {
        ctx.out(`run:\n\n${cmds.map((c) => `  ${shellLine(c)}\n`).join('')}\n`)
        return EXIT.ok
      }
      for (const c of cmds) {
        ctx.out(`$ ${shellLine(c)}\n`)
        const r = await ctx.run(c)
        if (r.code !== 0) {
          ctx.err(`tokentap service: \`${shellLine(c)}\` failed (exit ${r.code}) ${r.stderr}\n`)
          return EXIT.failed
        }
      }
      return EXIT.ok
    }
    if (action === 'install') {
      mkdirSync(dirname(plan.file), { recursive: true })
      writeFileAtomic(plan.file, plan.content)
      ctx.out(`wrote ${plan.file}\n`)
      return steps(plan.enable)
    }
    const present = existsSync(plan.file)
    for (const f of [plan.file, ...plan.links]) {
      if (isLink(f)) rmSync(f, { force: true })
      else if (existsSync(f)) removeFile(f)
    }
    ctx.out(present ? `removed ${plan.file}\n` : `${plan.file} was not installed\n`)
    return steps(plan.disable)
  },
}

function isLink(f: string): boolean {
  try {
    return lstatSync(f).isSymbolicLink()
  } catch {
    return false
  }
}
