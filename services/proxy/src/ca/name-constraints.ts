// RFC 5280 §4.2.1.10 name constraints (pure): the DER of the extension (node-forge reads it but
// cannot write it), reading it back from a certificate, and the RFC's matching rules for the
// names a tokentap leaf carries (one dNSName or one iPAddress).
//
// dNSName: "any DNS name that can be constructed by simply adding zero or more labels to the
// left-hand side" — base `example.com` permits example.com and a.b.example.com, not
// badexample.com. A leading dot (`.example.com`, not defined by RFC 5280 but written by some
// CAs) is read as OpenSSL does: subdomains only. iPAddress: address + mask; a permitted list
// without an entry for a name type leaves that type unconstrained, hence the excluded
// 0.0.0.0/0 and ::/0 a DNS-only CA carries.

import { isIP, isIPv4 } from 'node:net'
import forge from 'node-forge'

export const NAME_CONSTRAINTS_OID = '2.5.29.30'

export interface NameConstraints {
  permittedDns: string[]
  /** CIDR text: `10.0.0.5/32`, `::/0`. */
  permittedIps: string[]
  excludedDns: string[]
  excludedIps: string[]
}

const { asn1 } = forge
const GN_DNS = 2
const GN_IP = 7

function generalSubtree(base: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [base])
}

function dnsName(name: string): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, GN_DNS, false, name)
}

function ipName(cidr: string): forge.asn1.Asn1 {
  const { address, prefix } = parseCidr(cidr)
  const mask = Buffer.alloc(address.length)
  for (let bit = 0; bit < prefix; bit++) mask[bit >> 3]! |= 0x80 >> (bit & 7)
  const bytes = Buffer.concat([address, mask])
  return asn1.create(asn1.Class.CONTEXT_SPECIFIC, GN_IP, false, bytes.toString('binary'))
}

function subtrees(tag: number, dns: string[], ips: string[]): forge.asn1.Asn1[] {
  const list = [...dns.map(dnsName), ...ips.map(ipName)].map(generalSubtree)
  return list.length === 0 ? [] : [asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, list)]
}

/** The extension value (NameConstraints SEQUENCE); mark the extension critical (RFC 5280). */
export function encodeNameConstraints(nc: NameConstraints): forge.asn1.Asn1 {
  const value = [
    ...subtrees(0, nc.permittedDns, nc.permittedIps),
    ...subtrees(1, nc.excludedDns, nc.excludedIps),
  ]
  if (value.length === 0) throw new Error('name constraints need at least one subtree')
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value)
}

/** Reads an extension value (DER as a binary string); throws on anything malformed. */
export function decodeNameConstraints(der: string): NameConstraints {
  const nc: NameConstraints = {
    permittedDns: [],
    permittedIps: [],
    excludedDns: [],
    excludedIps: [],
  }
  const root = asn1.fromDer(der)
  if (root.type !== asn1.Type.SEQUENCE || !Array.isArray(root.value)) throw malformed()
  for (const trees of root.value) {
    if (trees.tagClass !== asn1.Class.CONTEXT_SPECIFIC || !Array.isArray(trees.value)) {
      throw malformed()
    }
    if (trees.type !== 0 && trees.type !== 1) throw malformed()
    const [dns, ips] =
      trees.type === 0 ? [nc.permittedDns, nc.permittedIps] : [nc.excludedDns, nc.excludedIps]
    for (const subtree of trees.value) {
      const base = Array.isArray(subtree.value) ? subtree.value[0] : undefined
      if (!base || base.tagClass !== asn1.Class.CONTEXT_SPECIFIC) throw malformed()
      if (base.type === GN_DNS && typeof base.value === 'string') dns.push(base.value)
      else if (base.type === GN_IP && typeof base.value === 'string') ips.push(ipCidr(base.value))
      // Other name types (email, URI, directoryName) never constrain a TLS server name here.
    }
  }
  return nc
}

function malformed(): Error {
  return new Error('malformed nameConstraints extension')
}

/** Address + mask bytes → CIDR text (a mask that is not a prefix counts its leading ones). */
function ipCidr(bytes: string): string {
  const b = Buffer.from(bytes, 'binary')
  if (b.length !== 8 && b.length !== 32) throw malformed()
  const half = b.length / 2
  const address = b.subarray(0, half)
  let prefix = 0
  for (const byte of b.subarray(half)) {
    if (byte === 0xff) {
      prefix += 8
      continue
    }
    prefix += Math.clz32(~byte & 0xff) - 24
    break
  }
  return `${ipText(address)}/${prefix}`
}

function ipText(address: Buffer): string {
  if (address.length === 4) return [...address].join('.')
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push(address.readUInt16BE(i))
  // RFC 5952: the longest run of two or more zero groups becomes "::".
  let best = -1
  let bestLength = 1
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLength) {
      best = i
      bestLength = j - i
    }
    i = Math.max(j, i + 1)
  }
  const hex = groups.map((g) => g.toString(16))
  if (best < 0) return hex.join(':')
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLength).join(':')}`
}

/** `a.b.c.d/n` or an IPv6 literal with `/n` → network-order bytes and the prefix length. */
export function parseCidr(cidr: string): { address: Buffer; prefix: number } {
  const slash = cidr.lastIndexOf('/')
  const ip = slash < 0 ? cidr : cidr.slice(0, slash)
  const family = isIP(ip)
  if (family === 0) throw new Error(`not an IP address: ${cidr}`)
  const bits = family === 4 ? 32 : 128
  const prefix = slash < 0 ? bits : Number(cidr.slice(slash + 1))
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits) {
    throw new Error(`bad prefix length: ${cidr}`)
  }
  return { address: ipBytes(ip), prefix }
}

/** Network-order bytes of a valid IP literal. */
export function ipBytes(ip: string): Buffer {
  if (isIPv4(ip)) return Buffer.from(ip.split('.').map(Number))
  let text = ip
  const lastColon = text.lastIndexOf(':')
  const tail = text.slice(lastColon + 1)
  if (tail.includes('.')) {
    const [a = 0, b = 0, c = 0, d = 0] = tail.split('.').map(Number)
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`
  }
  const [head = '', rest] = text.split('::')
  const headGroups = head === '' ? [] : head.split(':')
  const restGroups = rest === undefined || rest === '' ? [] : rest.split(':')
  const zeros = rest === undefined ? [] : Array(8 - headGroups.length - restGroups.length).fill('0')
  const bytes = Buffer.alloc(16)
  ;[...headGroups, ...zeros, ...restGroups].forEach((group, i) => {
    bytes.writeUInt16BE(Number.parseInt(group, 16), i * 2)
  })
  return bytes
}

/** RFC 5280 dNSName matching (case-insensitive; a leading dot means subdomains only). */
export function dnsWithin(name: string, base: string): boolean {
  const n = name.toLowerCase().replace(/\.$/, '')
  const b = base.toLowerCase()
  if (b === '') return true
  if (b.startsWith('.')) return n.endsWith(b)
  return n === b || n.endsWith(`.${b}`)
}

function ipWithin(ip: string, cidr: string): boolean {
  const address = ipBytes(ip)
  const net = parseCidr(cidr)
  if (address.length !== net.address.length) return false
  for (let bit = 0; bit < net.prefix; bit++) {
    const mask = 0x80 >> (bit & 7)
    if ((address[bit >> 3]! & mask) !== (net.address[bit >> 3]! & mask)) return false
  }
  return true
}

/** Would a leaf naming `host` (a DNS name or an IP literal) pass these constraints? */
export function permitsName(nc: NameConstraints, host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '')
  if (isIP(h) !== 0) {
    if (nc.excludedIps.some((c) => ipWithin(h, c))) return false
    return nc.permittedIps.length === 0 || nc.permittedIps.some((c) => ipWithin(h, c))
  }
  if (nc.excludedDns.some((b) => dnsWithin(h, b))) return false
  return nc.permittedDns.length === 0 || nc.permittedDns.some((b) => dnsWithin(h, b))
}
