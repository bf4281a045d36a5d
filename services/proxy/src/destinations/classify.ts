// What kind of address an IP is, for the destination policy: only `public` (global unicast) is
// dialled in team mode without an explicit allowance. IPv6 forms that carry an IPv4 address
// (mapped, compatible, NAT64, 6to4) are judged by the IPv4 address they lead to.

import { type Cidr, cidr, cidrContains } from './cidr.ts'
import type { Ip } from './ip.ts'

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'cgnat'
  | 'link_local'
  | 'ula'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'reserved'

/** Never dialled, whatever is allowed: they are not one reachable host. */
const NEVER = ['unspecified', 'multicast', 'broadcast'] as const
export type NeverDialled = (typeof NEVER)[number]
export const isNeverDialled = (c: AddressClass): c is NeverDialled =>
  (NEVER as readonly string[]).includes(c)

/** First match wins. */
const V4: [Cidr, AddressClass][] = [
  [cidr('0.0.0.0/32'), 'unspecified'],
  [cidr('0.0.0.0/8'), 'reserved'], // "this network": 0.x.y.z reaches the local host on Linux
  [cidr('127.0.0.0/8'), 'loopback'],
  [cidr('10.0.0.0/8'), 'private'],
  [cidr('172.16.0.0/12'), 'private'],
  [cidr('192.168.0.0/16'), 'private'],
  [cidr('100.64.0.0/10'), 'cgnat'],
  [cidr('169.254.0.0/16'), 'link_local'], // cloud metadata (169.254.169.254) lives here
  [cidr('192.0.0.0/24'), 'reserved'], // IETF protocol assignments
  [cidr('192.0.2.0/24'), 'reserved'], // documentation
  [cidr('192.88.99.0/24'), 'reserved'], // 6to4 relay anycast (deprecated)
  [cidr('198.18.0.0/15'), 'reserved'], // benchmarking
  [cidr('198.51.100.0/24'), 'reserved'], // documentation
  [cidr('203.0.113.0/24'), 'reserved'], // documentation
  [cidr('224.0.0.0/4'), 'multicast'],
  [cidr('255.255.255.255/32'), 'broadcast'],
  [cidr('240.0.0.0/4'), 'reserved'],
]

const V6: [Cidr, AddressClass][] = [
  [cidr('::/128'), 'unspecified'],
  [cidr('::1/128'), 'loopback'],
  [cidr('64:ff9b:1::/48'), 'private'], // local-use NAT64
  [cidr('100::/64'), 'reserved'], // discard
  [cidr('2001::/23'), 'reserved'], // IETF protocol assignments (Teredo, benchmarking, ORCHID)
  [cidr('2001:db8::/32'), 'reserved'], // documentation
  [cidr('fc00::/7'), 'ula'],
  [cidr('fe80::/10'), 'link_local'],
  [cidr('fec0::/10'), 'private'], // site-local (deprecated)
  [cidr('ff00::/8'), 'multicast'],
]
const GLOBAL_UNICAST_V6 = cidr('2000::/3')
const MAPPED = cidr('::ffff:0:0/96')
const COMPATIBLE = cidr('::/96')
const NAT64 = cidr('64:ff9b::/96')
const SIX_TO_FOUR = cidr('2002::/16')

/** The IPv4 address an IPv6 address leads to (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(ip: Ip): Ip | null {
  if (ip.version !== 6) return null
  if (cidrContains(MAPPED, ip) || cidrContains(COMPATIBLE, ip) || cidrContains(NAT64, ip)) {
    return { version: 4, bytes: ip.bytes.slice(12) }
  }
  if (cidrContains(SIX_TO_FOUR, ip)) return { version: 4, bytes: ip.bytes.slice(2, 6) }
  return null
}

export function classifyIp(ip: Ip): AddressClass {
  if (ip.version === 4) {
    for (const [block, kind] of V4) if (cidrContains(block, ip)) return kind
    return 'public'
  }
  // :: and ::1 sit inside the compatible block: they are judged as themselves first.
  const own = V6.find(([block]) => cidrContains(block, ip))
  if (own && (own[1] === 'unspecified' || own[1] === 'loopback')) return own[1]
  const v4 = embeddedIpv4(ip)
  if (v4) return classifyIp(v4)
  if (own) return own[1]
  return cidrContains(GLOBAL_UNICAST_V6, ip) ? 'public' : 'reserved'
}
