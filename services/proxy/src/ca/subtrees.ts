// Which names the tokentap CA may certify (pure): the intercept list (built-in hosts,
// TOKENTAP_INTERCEPT_HOSTS, custom providers' hosts) as RFC 5280 subtrees, and which intercepted
// hosts a CA's constraints leave out. A glob's subtree is the fixed domain right of its last
// `*` label: `*.openai.azure.com` → openai.azure.com, `bedrock-runtime.*.amazonaws.com` →
// amazonaws.com (name constraints cannot say "one label in the middle"). IP literals are
// permitted one address each; without any, every IPv4/IPv6 address is excluded, so a stolen key
// cannot mint for an IP either.

import { isIP, isIPv4 } from 'node:net'
import type { InterceptPattern } from '../intercept/patterns.ts'
import { dnsWithin, type NameConstraints, permitsName } from './name-constraints.ts'

const DNS_LABEL = /^[a-z0-9_-]{1,63}$/

function normalise(pattern: string): string {
  const p = pattern
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
  return p.endsWith('.') ? p.slice(0, -1) : p
}

/** The DNS subtree holding every host `pattern` matches; null when it has no fixed domain
 *  (`api.*`, `*`) or is not a DNS name a certificate can carry. */
export function dnsSubtreeOf(pattern: string): string | null {
  const labels = normalise(pattern).split('.')
  let last = -1
  labels.forEach((label, i) => {
    if (label.includes('*')) last = i
  })
  const fixed = labels.slice(last + 1)
  if (fixed.length === 0 || !fixed.every((l) => DNS_LABEL.test(l))) return null
  return fixed.join('.')
}

/** Name constraints permitting exactly the subtrees of `patterns` (at least one DNS name). */
export function constraintsFor(patterns: readonly string[]): NameConstraints {
  const ips = new Set<string>()
  const dns = new Set<string>()
  for (const raw of patterns) {
    const p = normalise(raw)
    if (isIP(p) !== 0) {
      if (!p.includes('%')) ips.add(`${p}/${isIPv4(p) ? 32 : 128}`)
      continue
    }
    const subtree = dnsSubtreeOf(p)
    if (subtree !== null) dns.add(subtree)
  }
  // Broader subtrees first; a subtree inside a kept one adds nothing.
  const byBreadth = [...dns].sort(
    (a, b) => a.split('.').length - b.split('.').length || (a < b ? -1 : 1),
  )
  const permittedDns: string[] = []
  for (const d of byBreadth)
    if (!permittedDns.some((kept) => dnsWithin(d, kept))) permittedDns.push(d)
  if (permittedDns.length === 0) {
    throw new Error('the intercept list holds no DNS name a name-constrained CA could permit')
  }
  const permittedIps = [...ips]
  const excludedIps: string[] = []
  if (!permittedIps.some((c) => isIPv4(c.split('/')[0]!))) excludedIps.push('0.0.0.0/0')
  if (!permittedIps.some((c) => !isIPv4(c.split('/')[0]!))) excludedIps.push('::/0')
  return { permittedDns, permittedIps, excludedDns: [], excludedIps }
}

/** Would a leaf for every host `pattern` matches pass `nc`? */
export function patternCovered(nc: NameConstraints, pattern: string): boolean {
  const p = normalise(pattern)
  if (!p.includes('*')) return permitsName(nc, p)
  const subtree = dnsSubtreeOf(p)
  if (subtree === null) return false
  // Hosts a glob matches all sit strictly below its subtree.
  const below = `x.${subtree}`
  if (nc.excludedDns.some((e) => dnsWithin(below, e) || dnsWithin(e, subtree))) return false
  return nc.permittedDns.length === 0 || nc.permittedDns.some((b) => dnsWithin(below, b))
}

/** The patterns whose hosts a CA with `nc` (null: unconstrained) cannot certify. */
export function uncoveredPatterns(
  nc: NameConstraints | null,
  patterns: readonly InterceptPattern[],
): InterceptPattern[] {
  if (nc === null) return []
  return patterns.filter((p) => !patternCovered(nc, p.pattern))
}
