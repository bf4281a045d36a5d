// IP address text ⇄ bytes, strictly: canonical dotted-quad IPv4 (four decimal parts, no
// leading zeros, no short or hex forms) and RFC 4291 IPv6 text (`::`, a dotted IPv4 tail; no
// zone id). Anything else is not an address literal: the guard resolves it as a name and checks
// what the resolver returns, so `2130706433` or `0177.1` cannot slip past as "not an address".

export interface Ip {
  version: 4 | 6
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array
}

const V4_PART = /^(0|[1-9]\d{0,2})$/

export function parseIpv4(text: string): Ip | null {
  const parts = text.split('.')
  if (parts.length !== 4) return null
  const bytes = new Uint8Array(4)
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!
    if (!V4_PART.test(p)) return null
    const n = Number(p)
    if (n > 255) return null
    bytes[i] = n
  }
  return { version: 4, bytes }
}

const HEXTET = /^[0-9a-f]{1,4}$/i

/** Hextets of one side of `::` (a dotted IPv4 tail counts as two); null when malformed. */
function hextets(side: string, allowV4Tail: boolean): number[] | null {
  if (side === '') return []
  const parts = side.split(':')
  const out: number[] = []
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!
    if (allowV4Tail && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p)
      if (!v4) return null
      out.push((v4.bytes[0]! << 8) | v4.bytes[1]!, (v4.bytes[2]! << 8) | v4.bytes[3]!)
      continue
    }
    if (!HEXTET.test(p)) return null
    out.push(Number.parseInt(p, 16))
  }
  return out
}

export function parseIpv6(text: string): Ip | null {
  const halves = text.split('::')
  if (halves.length > 2) return null
  let groups: number[]
  if (halves.length === 2) {
    const head = hextets(halves[0]!, false)
    const tail = hextets(halves[1]!, true)
    if (!head || !tail || head.length + tail.length > 7) return null
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail]
  } else {
    const all = hextets(text, true)
    if (all?.length !== 8) return null
    groups = all
  }
  const bytes = new Uint8Array(16)
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8
    bytes[2 * i + 1] = g & 0xff
  })
  return { version: 6, bytes }
}

/** An IPv4 or IPv6 literal (IPv6 optionally in brackets), or null. */
export function parseIp(text: string): Ip | null {
  if (text.startsWith('[') && text.endsWith(']')) return parseIpv6(text.slice(1, -1))
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text)
}

/** The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d); others unchanged. */
export function unmapIpv4(ip: Ip): Ip {
  if (ip.version !== 6) return ip
  const b = ip.bytes
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return ip
  if (b[10] !== 0xff || b[11] !== 0xff) return ip
  return { version: 4, bytes: b.slice(12) }
}

/** Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run as `::`). */
export function formatIp(ip: Ip): string {
  if (ip.version === 4) return [...ip.bytes].join('.')
  const g: number[] = []
  for (let i = 0; i < 16; i += 2) g.push((ip.bytes[i]! << 8) | ip.bytes[i + 1]!)
  let best = -1
  let bestLen = 1
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++
      continue
    }
    let j = i
    while (j < 8 && g[j] === 0) j++
    if (j - i > bestLen) {
      best = i
      bestLen = j - i
    }
    i = j
  }
  const hex = (xs: number[]): string => xs.map((x) => x.toString(16)).join(':')
  if (best < 0) return hex(g)
  return `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`
}
