// TOKENTAP_RESOLVE: connect to another address for a host:port (like curl --connect-to),
// keeping SNI and Host. `*:443=addr:port` is a catch-all for a port. A mapped target is the
// operator's choice: the destination guard lets it through as configured (destinations/).

import { ConfigError } from '@tokentap/shared'

export interface Target {
  host: string
  port: number
  /** An entry of TOKENTAP_RESOLVE chose this target (the operator's explicit choice). */
  mapped: boolean
}

export type Resolver = (host: string, port: number) => Target

const ENTRY =
  /^(\*|[A-Za-z0-9.*-]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})=([A-Za-z0-9.-]+|\[[0-9a-fA-F:.]+\]):(\d{1,5})$/

const unbracket = (h: string): string => (h.startsWith('[') ? h.slice(1, -1) : h)

export function parseResolve(value: string | undefined, variable = 'TOKENTAP_RESOLVE'): Resolver {
  const exact = new Map<string, Target>()
  const anyHost = new Map<number, Target>()
  for (const raw of (value ?? '').split(',').map((s) => s.trim())) {
    if (raw === '') continue
    const m = ENTRY.exec(raw)
    if (!m) throw new ConfigError(variable, `bad entry "${raw}" (want host:port=addr:port)`)
    const port = Number(m[2])
    const target = { host: unbracket(m[3]!), port: Number(m[4]), mapped: true }
    if (port > 65535 || target.port > 65535 || target.port === 0) {
      throw new ConfigError(variable, `bad port in "${raw}"`)
    }
    if (m[1] === '*') anyHost.set(port, target)
    else exact.set(`${unbracket(m[1]!).toLowerCase()}:${port}`, target)
  }
  return (host, port) =>
    exact.get(`${host.toLowerCase()}:${port}`) ?? anyHost.get(port) ?? { host, port, mapped: false }
}
