// CIDR blocks: strict parsing (`10.0.0.0/8`, `fd00::/8`, a bare address = one host; host bits
// must be zero) and membership.

import { formatIp, type Ip, parseIp } from './ip.ts'

export interface Cidr {
  ip: Ip
  prefix: number
}

export type CidrParse = { ok: true; cidr: Cidr } | { ok: false; message: string }

export function parseCidr(text: string): CidrParse {
  const slash = text.indexOf('/')
  const addr = slash < 0 ? text : text.slice(0, slash)
  const ip = parseIp(addr)
  if (!ip) return { ok: false, message: `"${addr}" is not an IPv4 or IPv6 address` }
  const max = ip.version === 4 ? 32 : 128
  let prefix = max
  if (slash >= 0) {
    const p = text.slice(slash + 1)
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > max) {
      return { ok: false, message: `"/${p}" is not a prefix length of 0-${max}` }
    }
    prefix = Number(p)
  }
  const network = mask(ip, prefix)
  if (!sameBytes(network.bytes, ip.bytes)) {
    const fixed = `${formatIp(network)}/${prefix}`
    return { ok: false, message: `"${text}" has host bits set (did you mean ${fixed}?)` }
  }
  return { ok: true, cidr: { ip, prefix } }
}

/** `ip` with every bit past `prefix` cleared. */
function mask(ip: Ip, prefix: number): Ip {
  const bytes = ip.bytes.slice()
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8))
    bytes[i] = bytes[i]! & ((0xff << (8 - keep)) & 0xff)
  }
  return { version: ip.version, bytes }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

export function cidrContains(c: Cidr, ip: Ip): boolean {
  if (c.ip.version !== ip.version) return false
  const whole = c.prefix >> 3
  for (let i = 0; i < whole; i++) if (ip.bytes[i] !== c.ip.bytes[i]) return false
  const bits = c.prefix & 7
  if (bits === 0) return true
  const m = (0xff << (8 - bits)) & 0xff
  return (ip.bytes[whole]! & m) === c.ip.bytes[whole]
}

/** A block from known-good text (the built-in tables); throws on a typo. */
export function cidr(text: string): Cidr {
  const r = parseCidr(text)
  if (!r.ok) throw new Error(r.message)
  return r.cidr
}
