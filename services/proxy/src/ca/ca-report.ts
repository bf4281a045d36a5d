// What the proxy says about its CA at start and when the providers file is reloaded (pure):
// unconstrained (a CA from before name constraints, or CA_CERT_FILE without them), intercepted
// hosts its constraints leave out (clients would refuse their certificates), expiry coming up.
// Each warning names the command that fixes it: `tokentap ca renew`.

import type { InterceptPattern } from '../intercept/patterns.ts'
import { CA_EXPIRY_WARNING_DAYS, type CaProfile } from './ca-cert.ts'
import type { NameConstraints } from './name-constraints.ts'
import { uncoveredPatterns } from './subtrees.ts'
import { DAY_MS } from './x509.ts'

export interface CaNote {
  level: 'info' | 'warn'
  text: string
}

export const RENEW_COMMAND = 'tokentap ca renew'

/** One line: `DNS a.com, b.org; IP 10.0.0.5/32; no other IP addresses`. */
export function describeConstraints(nc: NameConstraints): string {
  const parts: string[] = []
  if (nc.permittedDns.length > 0) parts.push(`DNS ${nc.permittedDns.join(', ')}`)
  if (nc.permittedIps.length > 0) parts.push(`IP ${nc.permittedIps.join(', ')}`)
  if (nc.excludedDns.length > 0) parts.push(`except DNS ${nc.excludedDns.join(', ')}`)
  const allV4 = nc.excludedIps.includes('0.0.0.0/0')
  const allV6 = nc.excludedIps.includes('::/0')
  if (allV4 && allV6)
    parts.push(nc.permittedIps.length > 0 ? 'no other IP addresses' : 'no IP addresses')
  else if (allV4) parts.push('no IPv4 addresses')
  else if (allV6)
    parts.push(nc.permittedIps.length > 0 ? 'no other IP addresses' : 'no IPv6 addresses')
  const otherExcluded = nc.excludedIps.filter((c) => c !== '0.0.0.0/0' && c !== '::/0')
  if (otherExcluded.length > 0) parts.push(`except IP ${otherExcluded.join(', ')}`)
  return parts.join('; ')
}

/** Warnings for intercepted hosts the CA cannot certify (start and every reload). */
export function coverageNotes(
  caPath: string,
  profile: CaProfile,
  patterns: readonly InterceptPattern[],
): CaNote[] {
  return uncoveredPatterns(profile.constraints, patterns).map((p) => ({
    level: 'warn',
    text:
      `intercepted host ${p.pattern} (${p.source}) is outside the name constraints of the CA ` +
      `${caPath}, which permits ${describeConstraints(profile.constraints!)}: clients will ` +
      `refuse the certificates tokentap makes for it. \`${RENEW_COMMAND}\` issues a CA that ` +
      'covers the current intercept list (kept beside this one until you switch)',
  }))
}

/** Everything the start-up log says about the CA. */
export function caStartNotes(opts: {
  caPath: string
  profile: CaProfile
  patterns: readonly InterceptPattern[]
  now: Date
  /** ca-next.pem when `tokentap ca renew` left one waiting. */
  nextWaiting: string | null
}): CaNote[] {
  const { caPath, profile } = opts
  const notes: CaNote[] = []
  const until = profile.notAfter.toISOString().slice(0, 10)
  if (profile.constraints === null) {
    notes.push({
      level: 'warn',
      text:
        `CA ${caPath} has no name constraints: whoever obtains its key can impersonate any ` +
        `site to every machine that trusts it. \`${RENEW_COMMAND}\` issues a CA limited to the ` +
        'intercepted domains (kept beside this one until you switch)',
    })
  } else {
    notes.push({
      level: 'info',
      text: `CA ${caPath}: name-constrained to ${describeConstraints(profile.constraints)}; valid until ${until}`,
    })
    notes.push(...coverageNotes(caPath, profile, opts.patterns))
  }
  const daysLeft = Math.floor((profile.notAfter.getTime() - opts.now.getTime()) / DAY_MS)
  if (daysLeft < CA_EXPIRY_WARNING_DAYS) {
    notes.push({
      level: 'warn',
      text: `CA ${caPath} expires on ${until} (${daysLeft} days left): \`${RENEW_COMMAND}\` issues the next one`,
    })
  }
  if (opts.nextWaiting !== null) {
    notes.push({
      level: 'info',
      text:
        `a renewed CA waits in ${opts.nextWaiting}: once clients trust it, ` +
        `\`${RENEW_COMMAND} --activate\` switches to it (then restart tokentap)`,
    })
  }
  return notes
}
