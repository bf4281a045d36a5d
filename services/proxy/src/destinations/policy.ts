// The destination policy, pure: may this caller reach host:port at these resolved addresses?
// Enforced in team mode (or any non-loopback bind): every address the name resolves to must be
// public (global unicast, not the proxy's own) and the port open — 443 for CONNECT, 80 for
// absolute-form http://, plus PROXY_ALLOWED_PORTS — unless an entry of
// PROXY_ALLOWED_DESTINATIONS covers it. Unspecified, multicast and broadcast are never dialled.

import {
  type AllowEntry,
  entryMatches,
  inRanges,
  type PortRanges,
  parseAllowedDestinations,
  parseAllowedPorts,
} from './allow-list.ts'
import { type AddressClass, classifyIp, isNeverDialled } from './classify.ts'
import { formatIp, parseIp, unmapIpv4 } from './ip.ts'

/** How the destination was asked for: a CONNECT tunnel, or an absolute-form http:// request. */
export type Via = 'connect' | 'http'

export const DEFAULT_PORT: Record<Via, number> = { connect: 443, http: 80 }

export interface DestinationPolicy {
  /** False in local mode (no PROXY_USERS, loopback bind): anything is dialled, as asked. */
  enforce: boolean
  /** PROXY_ALLOWED_PORTS, on top of DEFAULT_PORT. */
  extraPorts: PortRanges
  /** PROXY_ALLOWED_DESTINATIONS. */
  allow: readonly AllowEntry[]
}

export function readDestinationPolicy(
  enforce: boolean,
  ports: string | undefined,
  destinations: string | undefined,
): DestinationPolicy {
  return {
    enforce,
    extraPorts: parseAllowedPorts(ports),
    allow: parseAllowedDestinations(destinations),
  }
}

export interface DestinationRequest {
  /** Lower case, no trailing dot, IPv6 without brackets. */
  host: string
  port: number
  via: Via
}

export type RefusalReason =
  | Exclude<AddressClass, 'public'>
  | 'own_address'
  | 'port'
  | 'invalid_address'
  | 'no_address'

export type Decision =
  | { allowed: true }
  | {
      allowed: false
      reason: RefusalReason /** The address refused, if any. */
      address: string | null
    }

const portOpen = (p: DestinationPolicy, req: DestinationRequest): boolean =>
  req.port === DEFAULT_PORT[req.via] || inRanges(p.extraPorts, req.port)

/** Before resolving: could any address pass on this port? (No DNS lookup for closed ports.) */
export function portMayPass(p: DestinationPolicy, req: DestinationRequest): boolean {
  return portOpen(p, req) || p.allow.some((e) => e.port === req.port)
}

/** Canonical text of an address, IPv4-mapped IPv6 as IPv4 (for own-address sets). */
export function canonicalAddress(text: string): string | null {
  const ip = parseIp(text)
  return ip ? formatIp(unmapIpv4(ip)) : null
}

/**
 * Every address must pass (a name that resolves to one public and one private address is
 * refused: the caller cannot mix a private target into a public name's answer).
 */
export function decide(
  p: DestinationPolicy,
  req: DestinationRequest,
  addresses: readonly string[],
  own: ReadonlySet<string>,
): Decision {
  if (!p.enforce) return { allowed: true }
  if (addresses.length === 0) return { allowed: false, reason: 'no_address', address: null }
  const open = portOpen(p, req)
  for (const text of addresses) {
    const parsed = parseIp(text)
    if (!parsed) return { allowed: false, reason: 'invalid_address', address: text }
    const ip = unmapIpv4(parsed)
    const address = formatIp(ip)
    const kind = classifyIp(ip)
    if (isNeverDialled(kind)) return { allowed: false, reason: kind, address }
    const covered = p.allow.some(
      (e) => entryMatches(e, req.host, ip) && (e.port === null ? open : e.port === req.port),
    )
    if (covered) continue
    if (!open) return { allowed: false, reason: 'port', address }
    if (kind !== 'public') return { allowed: false, reason: kind, address }
    if (own.has(address)) return { allowed: false, reason: 'own_address', address }
  }
  return { allowed: true }
}
