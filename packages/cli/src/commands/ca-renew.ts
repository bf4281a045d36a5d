// `tokentap ca renew [--force] [--activate]`: a new CA, name-constrained to the current intercept
// list, written beside the one in use (ca-next.pem, ca-next-key.pem) so clients can learn to
// trust it before the proxy switches; --activate switches (ca.pem → ca-old.pem, ca-next.pem →
// ca.pem). The proxy reads its CA at start: restart it after switching.

import { existsSync } from 'node:fs'
import {
  activateNextCa,
  type CaMaterial,
  describeConstraints,
  interceptPatternsFromEnv,
  prepareNextCa,
  renewFiles,
  uncoveredPatterns,
} from '@tokentap/proxy/ca'
import { readString } from '@tokentap/shared'
import { boolFlag, noExtraPositionals, parseArgs, UsageError } from '../cli/args.ts'
import { type CommandDef, EXIT } from '../cli/command.ts'
import { paths } from '../config/paths.ts'

function describe(ca: CaMaterial): string {
  const until = ca.profile.notAfter.toISOString().slice(0, 10)
  const permits = ca.profile.constraints ? describeConstraints(ca.profile.constraints) : 'anything'
  return (
    `  certificate  ${ca.certPath}\n  key          ${ca.keyPath} (mode 600)\n` +
    `  SHA-256      ${ca.fingerprintSha256}\n  valid until  ${until}\n  permits      ${permits}\n`
  )
}

export const renew: CommandDef = {
  name: 'ca renew',
  summary: 'a new name-constrained CA beside the current one; --activate switches to it',
  usage: `tokentap ca renew [--force] [--activate]

Creates a new CA, name-constrained to the intercept list as configured now (built-in hosts,
TOKENTAP_INTERCEPT_HOSTS, TOKENTAP_PROVIDERS hosts), as ca-next.pem and ca-next-key.pem beside
the CA in use (TOKENTAP_HOME/ca, or the directories of CA_CERT_FILE/CA_KEY_FILE). The proxy keeps
using the current CA. Make clients trust the new certificate (both can be trusted side by side),
then switch:

  --activate   TOKENTAP_HOME/ca: ca.pem → ca-old.pem and ca-next.pem → ca.pem (keys alike);
               restart the proxy. With CA_CERT_FILE/CA_KEY_FILE: point them at the new files.
  --force      replace a waiting ca-next.pem with a new one (e.g. after the intercept list
               changed again).`,
  async run(argv, ctx) {
    const a = parseArgs(argv, { force: { type: 'boolean' }, activate: { type: 'boolean' } })
    if (boolFlag(a, 'help')) {
      ctx.out(`${this.usage}\n`)
      return EXIT.ok
    }
    noExtraPositionals(a)
    if (boolFlag(a, 'force') && boolFlag(a, 'activate')) {
      throw new UsageError('--force and --activate do not go together')
    }
    const certFile = readString(ctx.env, 'CA_CERT_FILE')
    const keyFile = readString(ctx.env, 'CA_KEY_FILE')
    if (certFile !== undefined && keyFile === undefined) {
      throw new UsageError(
        'CA_CERT_FILE without CA_KEY_FILE: renew where the CA key is (the proxy host)',
      )
    }
    const files = renewFiles(paths(ctx.env).home, certFile, keyFile)
    const now = () => ctx.now()

    if (boolFlag(a, 'activate')) {
      const active = await activateNextCa(files, now)
      ctx.out(
        `Switched: the CA in use is now\n${describe(active)}` +
          `The previous one is kept as ${files.old?.cert} (and its key).\n\n` +
          'Restart the proxy (tokentap up, the service, or docker compose restart proxy) to use it.\n' +
          `On this machine run \`tokentap install-cert\` again; remove the old CA from trust stores once no proxy uses it.\n`,
      )
      return EXIT.ok
    }

    if (!existsSync(files.current.cert)) {
      ctx.err(
        `no CA in use yet (${files.current.cert}): \`tokentap ca\` or the proxy's first start ` +
          'creates one, already constrained to the intercept list\n',
      )
      return EXIT.failed
    }
    const patterns = interceptPatternsFromEnv(ctx.env)
    const { ca, created } = await prepareNextCa(
      files,
      patterns.map((p) => p.pattern),
      now,
      { replace: boolFlag(a, 'force') },
    )
    ctx.out(`${created ? 'Created a new CA' : 'A renewed CA is already waiting'}:\n${describe(ca)}`)
    const missing = uncoveredPatterns(ca.profile.constraints, patterns)
    if (missing.length > 0) {
      ctx.err(
        `It does not cover ${missing.map((p) => `${p.pattern} (${p.source})`).join(', ')}: ` +
          'run `tokentap ca renew --force` to replace it with one for the current intercept list.\n',
      )
      return EXIT.failed
    }
    const switchStep =
      files.old === null
        ? `set CA_CERT_FILE=${files.next.cert} and CA_KEY_FILE=${files.next.key} for the proxy and restart it`
        : '`tokentap ca renew --activate`, then restart the proxy'
    ctx.out(
      `\nThe proxy still uses ${files.current.cert}. To switch:\n` +
        `  1. Make every client trust ${files.next.cert} as well (publish it with its SHA-256;\n` +
        '     team machines install it the way they installed the current one).\n' +
        `  2. ${switchStep}.\n`,
    )
    return EXIT.ok
  },
}
