// `tokentap install-cert` / `uninstall-cert`: add our CA to (or remove it from) the OS trust
// store. Prints exactly the commands it will run and asks first, unless --yes; --dry-run only
// prints. Commands go through ctx.run, so tests never touch the system.

import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { boolFlag, noExtraPositionals, parseArgs, stringFlag, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import type { Ctx } from '../cli/context.ts'
import { ensureCa } from '../commands/ca.ts'
import {
  detectOs,
  installPlan,
  OS_FAMILIES,
  type OsFamily,
  shellLine,
  uninstallPlan,
} from './plan.ts'

function osRelease(): string | null {
  try {
    return readFileSync('/etc/os-release', 'utf8')
  } catch {
    return null
  }
}

async function perform(kind: 'install' | 'uninstall', argv: string[], ctx: Ctx, usage: string) {
  const a = parseArgs(argv, {
    yes: { type: 'boolean', short: 'y' },
    'dry-run': { type: 'boolean' },
    os: { type: 'string' },
  })
  if (boolFlag(a, 'help')) {
    ctx.out(`${usage}\n`)
    return EXIT.ok
  }
  noExtraPositionals(a)
  const flag = stringFlag(a, 'os')
  if (flag !== undefined && !OS_FAMILIES.includes(flag as OsFamily)) {
    throw new UsageError(`--os must be one of ${OS_FAMILIES.join(', ')}`)
  }
  const os = (flag as OsFamily | undefined) ?? detectOs(ctx.platform, osRelease(), existsSync)
  if (!os) {
    ctx.err(
      `tokentap ${kind}-cert: unsupported system (${ctx.platform}); trust the CA by hand ` +
        '(`tokentap ca` prints its path) or pass --os debian|rhel|macos\n',
    )
    return EXIT.failed
  }
  const ca = await ensureCa(ctx.env)
  const sha1 = new X509Certificate(readFileSync(ca.path)).fingerprint.replace(/:/g, '')
  const input = {
    os,
    caCert: ca.path,
    root: process.getuid?.() === 0,
    home: ctx.env.HOME ?? '',
    sha1,
  }
  const plan = kind === 'install' ? installPlan(input) : uninstallPlan(input)
  const verb = kind === 'install' ? 'trust' : 'stop trusting'
  ctx.out(`To ${verb} the tokentap CA (${ca.path}, SHA-256 ${ca.fingerprintSha256})`)
  ctx.out(` tokentap ${boolFlag(a, 'dry-run') ? 'would run' : 'will run'}:\n\n`)
  for (const argv of plan) ctx.out(`  ${shellLine(argv)}\n`)
  ctx.out('\n')
  if (boolFlag(a, 'dry-run')) return EXIT.ok
  if (!boolFlag(a, 'yes') && !(await ctx.confirm('Run these commands?'))) {
    ctx.err('not confirmed; nothing was run (pass --yes to run without asking)\n')
    return EXIT.failed
  }
  for (const argv of plan) {
    const r = await ctx.run(argv)
    if (r.code !== 0) {
      ctx.err(`tokentap ${kind}-cert: \`${shellLine(argv)}\` failed (exit ${r.code}) ${r.stderr}\n`)
      return EXIT.failed
    }
  }
  ctx.out(
    kind === 'install'
      ? 'done. Node-based tools still need NODE_EXTRA_CA_CERTS (tokentap shell-init sets it).\n'
      : 'done.\n',
  )
  return EXIT.ok
}

export const installCert: CommandDef = {
  name: 'install-cert',
  summary: 'add the tokentap CA to the OS trust store (asks first)',
  usage: `tokentap install-cert [--yes] [--dry-run] [--os debian|rhel|macos]

Debian/Ubuntu: copies the CA to /usr/local/share/ca-certificates/tokentap.crt and runs
update-ca-certificates; RHEL/Fedora: /etc/pki/ca-trust/source/anchors + update-ca-trust;
macOS: security add-trusted-cert into the login keychain. Prints the commands and asks before
running them (--yes: don't ask; --dry-run: only print).`,
  run(argv, ctx) {
    return perform('install', argv, ctx, this.usage)
  },
}

export const uninstallCert: CommandDef = {
  name: 'uninstall-cert',
  summary: 'remove the tokentap CA from the OS trust store (asks first)',
  usage: `tokentap uninstall-cert [--yes] [--dry-run] [--os debian|rhel|macos]

Undoes install-cert: removes the copied certificate and refreshes the store (macOS: deletes
it from the login keychain by its SHA-1). Prints the commands and asks first.`,
  run(argv, ctx) {
    return perform('uninstall', argv, ctx, this.usage)
  },
}
