// `tokentap ca`: the CA certificate's path, SHA-256 fingerprint, validity and name constraints
// (and intercepted hosts they leave out); creates the CA (with the proxy's own ca/ module, so it
// is the one the proxy will load) when it does not exist yet. `tokentap ca renew`: ca-renew.ts.

import { X509Certificate } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import {
  type CaProfile,
  caProfile,
  describeConstraints,
  type InterceptPattern,
  interceptPatternsFromEnv,
  loadOrCreateCa,
  RENEW_COMMAND,
  renewFiles,
  uncoveredPatterns,
} from '@tokentap/proxy/ca'
import { ConfigError, type Env, readString } from '@tokentap/shared'
import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { paths } from '../config/paths.ts'

export interface CaInfo {
  path: string
  fingerprintSha256: string
  profile: CaProfile
}

export async function ensureCa(env: Env): Promise<CaInfo> {
  const certFile = readString(env, 'CA_CERT_FILE')
  // A team member's machine has only the proxy's certificate (the key stays on the proxy):
  // trusting it needs no key.
  if (certFile !== undefined && readString(env, 'CA_KEY_FILE') === undefined) {
    return certificateOnly(certFile)
  }
  const ca = await loadOrCreateCa({
    home: paths(env).home,
    certFile: readString(env, 'CA_CERT_FILE'),
    keyFile: readString(env, 'CA_KEY_FILE'),
    permit: interceptPatternsFromEnv(env).map((p) => p.pattern),
  })
  return {
    path: ca.certPath ?? paths(env).caCert,
    fingerprintSha256: ca.fingerprintSha256,
    profile: ca.profile,
  }
}

function certificateOnly(file: string): CaInfo {
  let pem: string
  try {
    pem = readFileSync(file, 'utf8')
  } catch (e) {
    throw new ConfigError('CA_CERT_FILE', `cannot read ${file}: ${(e as Error).message}`)
  }
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(pem)
  } catch {
    throw new ConfigError('CA_CERT_FILE', `${file} is not a PEM certificate`)
  }
  if (!x509.ca) throw new ConfigError('CA_CERT_FILE', `${file} is not a CA certificate`)
  let profile: CaProfile
  try {
    profile = caProfile(x509)
  } catch (e) {
    throw new ConfigError('CA_CERT_FILE', `${file}: unreadable extension (${(e as Error).message})`)
  }
  return { path: file, fingerprintSha256: x509.fingerprint256, profile }
}

/** The report `tokentap ca` prints (pure). */
export function caReport(
  info: CaInfo,
  patterns: readonly InterceptPattern[],
  now: Date,
  waiting: string | null,
): string {
  const { profile } = info
  const days = Math.floor((profile.notAfter.getTime() - now.getTime()) / 86_400_000)
  const lines: [string, string][] = [
    ['CA certificate', info.path],
    ['SHA-256', info.fingerprintSha256],
    ['Valid until', `${profile.notAfter.toISOString().slice(0, 10)} (${days} days left)`],
  ]
  if (profile.constraints === null) {
    lines.push([
      'Constrained',
      `no: whoever obtains its key can impersonate any site to machines that trust it; \`${RENEW_COMMAND}\` issues a constrained CA`,
    ])
  } else {
    const depth = profile.pathLength === null ? 'any depth' : `path length ${profile.pathLength}`
    lines.push(['Constrained', `yes (${depth}): ${describeConstraints(profile.constraints)}`])
    for (const p of uncoveredPatterns(profile.constraints, patterns)) {
      lines.push([
        'Not covered',
        `${p.pattern} (${p.source}): clients will refuse its certificates; \`${RENEW_COMMAND}\``,
      ])
    }
  }
  if (waiting !== null) {
    lines.push(['Waiting', `${waiting} (\`${RENEW_COMMAND} --activate\` switches to it)`])
  }
  return lines.map(([k, v]) => `${k.padEnd(15)} ${v}\n`).join('')
}

export const ca: CommandDef = {
  name: 'ca',
  summary:
    'the CA: path, fingerprint, validity, name constraints (creates it if missing); ca renew',
  usage: `tokentap ca [--path]
tokentap ca renew [--force] [--activate]

Prints the path of the CA certificate clients must trust, its SHA-256 fingerprint, until when
it is valid and what it may certify (its name constraints), and intercepted hosts those leave
out. Creates the CA under TOKENTAP_HOME/ca on first use, constrained to the intercept list
(built-in hosts, TOKENTAP_INTERCEPT_HOSTS, TOKENTAP_PROVIDERS hosts), or loads
CA_CERT_FILE/CA_KEY_FILE; CA_CERT_FILE alone, as on a team member's machine, is enough to print
and trust it. --path prints only the path.

renew: creates a new CA (ca-next.pem) for the current intercept list beside the one in use and
prints how to switch; --activate switches (the old one is kept as ca-old.pem); --force replaces
a waiting ca-next.pem. See \`tokentap ca renew --help\`.`,
  async run(argv, ctx) {
    if (argv[0] === 'renew') {
      const { renew } = await import('./ca-renew.ts')
      return renew.run(argv.slice(1), ctx)
    }
    const a = parseArgs(argv, { path: { type: 'boolean' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const info = await ensureCa(ctx.env)
    if (boolFlag(a, 'path')) {
      ctx.out(`${info.path}\n`)
      return EXIT.ok
    }
    const files = renewFiles(
      paths(ctx.env).home,
      readString(ctx.env, 'CA_CERT_FILE'),
      readString(ctx.env, 'CA_KEY_FILE'),
    )
    const waiting = existsSync(files.next.cert) ? files.next.cert : null
    ctx.out(caReport(info, interceptPatternsFromEnv(ctx.env), ctx.now(), waiting))
    return EXIT.ok
  },
}
