// PROXY_ALLOWED_PORTS and PROXY_ALLOWED_DESTINATIONS: strict parsing (a bad entry fails the
// start naming the variable) and matching. Pure.
//
// Ports: `8443`, `8000-8099`, comma or space separated.
// Destinations: `llm.corp.example`, `*.corp.example` (`*` = one label's characters, as in
// TOKENTAP_INTERCEPT_HOSTS), `10.1.2.3`, `10.0.0.0/8`, `fd00::/8`, `[fd00::1]`, each optionally
// with `:port` (`llm.corp.example:8443`, `[fd00::/8]:8443`; a bare IPv6 block takes no port).

import { ConfigError } from '@tokentap/shared'
import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'
import { type Cidr, cidrContains, parseCidr } from './cidr.ts'
import type { Ip } from './ip.ts'

export const PORTS_VARIABLE = 'PROXY_ALLOWED_PORTS'
export const DESTINATIONS_VARIABLE = 'PROXY_ALLOWED_DESTINATIONS'

/** Inclusive port ranges. */
export type PortRanges = readonly (readonly [number, number])[]

export const inRanges = (ranges: PortRanges, port: number): boolean =>
  ranges.some(([lo, hi]) => port >= lo && port <= hi)

const PORT = /^[1-9]\d{0,4}$/

function readPort(text: string, variable: string, entry: string): number {
  const n = Number(text)
  if (!PORT.test(text) || n > 65535) {
    throw new ConfigError(variable, `"${entry}": "${text}" is not a port (1-65535)`)
  }
  return n
}

const split = (value: string | undefined): string[] =>
  (value ?? '').split(/[\s,]+/).filter((s) => s !== '')

export function parseAllowedPorts(
  value: string | undefined,
  variable = PORTS_VARIABLE,
): PortRanges {
  return split(value).map((entry) => {
    const m = /^([^-]+)-([^-]+)$/.exec(entry)
    if (!m) {
      const p = readPort(entry, variable, entry)
      return [p, p] as const
    }
    const lo = readPort(m[1]!, variable, entry)
    const hi = readPort(m[2]!, variable, entry)
    if (lo > hi) throw new ConfigError(variable, `"${entry}": the range is empty (${lo} > ${hi})`)
    return [lo, hi] as const
  })
}

export type AllowEntry = {
  /** As written, for logs and refusals. */
  text: string
  /** Only this port (else the ports allowed for every destination). */
  port: number | null
} & ({ kind: 'name'; matches: HostMatcher } | { kind: 'block'; block: Cidr })

const LABEL = /^[a-z0-9_*]([a-z0-9_*-]{0,61}[a-z0-9_*])?$/

function nameEntry(text: string, host: string, port: number | null, variable: string) {
  const h = host.toLowerCase().replace(/\.$/, '')
  const labels = h.split('.')
  if (h.length > 253 || !labels.every((l) => LABEL.test(l))) {
    throw new ConfigError(variable, `"${text}" is not a host name, *.glob, address or CIDR block`)
  }
  if (labels.every((l) => /^\*+$/.test(l))) {
    throw new ConfigError(variable, `"${text}" matches any name; list the hosts or CIDR blocks`)
  }
  return { text, port, kind: 'name' as const, matches: createHostMatcher([h]) }
}

function blockEntry(text: string, block: string, port: number | null, variable: string) {
  const r = parseCidr(block)
  if (!r.ok) throw new ConfigError(variable, `"${text}": ${r.message}`)
  return { text, port, kind: 'block' as const, block: r.cidr }
}

function parseEntry(text: string, variable: string): AllowEntry {
  if (text.startsWith('[')) {
    const m = /^\[([^\]]+)\](?::(.+))?$/.exec(text)
    if (!m) throw new ConfigError(variable, `"${text}": want [IPv6] or [IPv6/len], then :port`)
    const port = m[2] === undefined ? null : readPort(m[2], variable, text)
    return blockEntry(text, m[1]!, port, variable)
  }
  // Two colons or more: a bare IPv6 address or block (no port; bracket it to add one).
  if ((text.match(/:/g) ?? []).length > 1) return blockEntry(text, text, null, variable)
  const colon = text.indexOf(':')
  const where = colon < 0 ? text : text.slice(0, colon)
  const port = colon < 0 ? null : readPort(text.slice(colon + 1), variable, text)
  if (/^[\d.]+(\/\d+)?$/.test(where)) return blockEntry(text, where, port, variable)
  return nameEntry(text, where, port, variable)
}

export function parseAllowedDestinations(
  value: string | undefined,
  variable = DESTINATIONS_VARIABLE,
): AllowEntry[] {
  return split(value).map((entry) => parseEntry(entry, variable))
}

/** The entry covers this name (as asked for) or this address (as resolved). */
export function entryMatches(e: AllowEntry, host: string, address: Ip): boolean {
  return e.kind === 'name' ? e.matches(host) : cidrContains(e.block, address)
}
