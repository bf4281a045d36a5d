// What a refused destination is told (403, plain text) and logged: the destination as asked for
// (never an http:// path or query: they may hold secrets), why, and how an administrator opens it.

import { errorResponse } from '../http1/respond.ts'
import type { PortRanges } from './allow-list.ts'
import { DEFAULT_PORT, type DestinationRequest, type RefusalReason } from './policy.ts'

const WHAT: Record<Exclude<RefusalReason, 'port' | 'no_address'>, string> = {
  loopback: 'a loopback address (this machine)',
  private: 'a private network address',
  cgnat: 'a carrier-grade NAT address (100.64.0.0/10)',
  link_local: 'a link-local address (where cloud metadata services live)',
  ula: 'a unique local IPv6 address (fc00::/7)',
  unspecified: 'the unspecified address (it reaches this machine)',
  multicast: 'a multicast address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved, non-routable address',
  own_address: "one of this proxy's own addresses",
  invalid_address: 'an address the proxy cannot check',
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host)

/** `host:port` for CONNECT, `http://host:port` for absolute-form requests. */
export function describeDestination(req: DestinationRequest): string {
  const hp = `${bracket(req.host)}:${req.port}`
  return req.via === 'connect' ? hp : `http://${hp}`
}

function openPorts(req: DestinationRequest, extra: PortRanges): string {
  const list = [
    String(DEFAULT_PORT[req.via]),
    ...extra.map(([lo, hi]) => (lo === hi ? `${lo}` : `${lo}-${hi}`)),
  ]
  return list.join(', ')
}

/** One line: why this destination is refused. */
export function refusalReason(
  req: DestinationRequest,
  reason: RefusalReason,
  address: string | null,
  extra: PortRanges,
): string {
  if (reason === 'port') {
    const kind = req.via === 'connect' ? 'CONNECT' : 'http://'
    return `port ${req.port} is not open for ${kind} through this proxy (open: ${openPorts(req, extra)})`
  }
  if (reason === 'no_address') return `${req.host} has no address`
  const what = WHAT[reason]
  if (address === null) return `it is ${what}`
  return address === req.host
    ? `${address} is ${what}`
    : `${req.host} resolves to ${address}, ${what}`
}

/** The 403 the client gets; the connection closes after it. */
export function refusalResponse(req: DestinationRequest, why: string): string {
  const verb = req.via === 'connect' ? 'connect to' : 'forward a request to'
  return errorResponse(
    403,
    `refused to ${verb} ${describeDestination(req)}: ${why}.\n` +
      'This proxy reaches public internet addresses only, on port 443 for CONNECT ' +
      'and 80 for http:// requests. An administrator can open internal destinations with ' +
      'PROXY_ALLOWED_DESTINATIONS and more ports with PROXY_ALLOWED_PORTS.',
  )
}
