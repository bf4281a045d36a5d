// `tokentap ca`: the CA certificate's path and SHA-256 fingerprint; creates the CA (with the
// proxy's own ca/ module, so it is the one the proxy will load) when it does not exist yet.

import { X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ConfigError, type Env, readString } from '@tokentap/shared'
import { loadOrCreateCa } from '../../../../services/proxy/src/ca/ca-store.ts'
import { boolFlag, noExtraPositionals, parseArgs } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { paths } from '../config/paths.ts'

export interface CaInfo {
  path: string
  fingerprintSha256: string
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
  })
  return { path: ca.certPath ?? paths(env).caCert, fingerprintSha256: ca.fingerprintSha256 }
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
  return { path: file, fingerprintSha256: x509.fingerprint256 }
}

export const ca: CommandDef = {
  name: 'ca',
  summary: 'print the CA certificate path and SHA-256 fingerprint (creates the CA if missing)',
  usage: `tokentap ca [--path]

Prints the path of the CA certificate clients must trust and its SHA-256 fingerprint; creates
the CA under TOKENTAP_HOME/ca on first use (or loads CA_CERT_FILE/CA_KEY_FILE; CA_CERT_FILE
alone, as on a team member's machine, is enough to print and trust it). --path prints only
the path.`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { path: { type: 'boolean' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    const info = await ensureCa(ctx.env)
    if (boolFlag(a, 'path')) ctx.out(`${info.path}\n`)
    else ctx.out(`CA certificate  ${info.path}\nSHA-256         ${info.fingerprintSha256}\n`)
    return EXIT.ok
  },
}
