// What crosses the proxy: the request head sent upstream and the response head sent to the
// client, each checked and rebuilt from the parsed form (never the bytes as received). Framing
// is refused when ambiguous (framing.ts), connection-specific fields are dropped, and the one
// framing header the proxy itself parsed is sent on. Pure.

import type { Framing } from '../http1/body.ts'
import { isToken, listElements } from '../http1/grammar.ts'
import {
  getHeader,
  hasToken,
  indexFields,
  type RequestHead,
  type ResponseHead,
} from '../http1/head.ts'
import { endToEndHeaders } from '../http1/hop-by-hop.ts'
import { forwardedHeaders } from '../identity/headers.ts'
import { closeWanted, requestFraming, responseFraming } from './framing.ts'

/** Methods forwarded; anything else gets 501 (CONNECT only opens tunnels at the proxy port). */
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])

/** uri-host [ ":" port ] (RFC 9112 §3.2, RFC 3986 §3.2.2). */
const HOST_VALUE = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]+)(?::\d{0,5})?$/

export interface RequestPlan {
  /** The head to send upstream. */
  head: RequestHead
  framing: Framing
  /** The request asks for a protocol upgrade (Upgrade is forwarded, a 101 may follow). */
  upgrade: boolean
}

export type Refusal = { status: 400 | 501; message: string }

/** Upgrade: protocol = protocol-name [ "/" protocol-version ], a list. */
function upgradeProtocols(v: string | undefined): boolean {
  if (v === undefined) return false
  const protocols = listElements(v)
  return (
    protocols.length > 0 &&
    protocols.every((p) => p.split('/').length <= 2 && p.split('/').every(isToken))
  )
}

/**
 * Checks a client's request and builds what goes upstream. `path` is the origin-form target to
 * send; `authority` (absolute-form requests) replaces the Host the client sent (RFC 9112 §3.2.2).
 */
export function planRequest(
  head: RequestHead,
  path: string,
  authority: string | null,
): RequestPlan | Refusal {
  if (head.method === 'CONNECT') return { status: 400, message: 'CONNECT inside a tunnel' }
  if (!METHODS.has(head.method))
    return { status: 501, message: `method ${head.method} is not forwarded` }
  const f = indexFields(head.headers)
  const hosts = f.count('host')
  if (hosts > 1) return { status: 400, message: 'more than one Host header' }
  if (hosts === 0 && head.version === '1.1' && authority === null)
    return { status: 400, message: 'HTTP/1.1 request without a Host header' }
  if (hosts === 1 && !HOST_VALUE.test(f.get('host')!))
    return { status: 400, message: 'malformed Host header' }
  const framing = requestFraming(head, f)
  if (!framing.ok) return { status: 400, message: framing.message }
  const connection = f.get('connection')
  const upgrade =
    head.version === '1.1' && hasToken(connection, 'upgrade') && f.get('upgrade') !== undefined
  if (upgrade && !upgradeProtocols(f.get('upgrade')))
    return { status: 400, message: 'malformed Upgrade header' }
  let headers = forwardedHeaders(head.headers, upgrade, framing.header, connection ?? '')
  if (authority !== null) {
    headers = headers.filter(([n]) => n.toLowerCase() !== 'host')
    headers.unshift(['Host', authority])
  }
  if (upgrade) headers.push(['Connection', 'Upgrade'])
  return {
    head: { method: head.method, target: path, version: head.version, headers },
    framing: framing.framing,
    upgrade,
  }
}

export interface ResponsePlan {
  /** The head to send the client. */
  head: ResponseHead
  framing: Framing
  /** The client connection closes after this response (the head says so). */
  close: boolean
}

/** An interim (1xx, not 101) response: passed on without connection-specific or framing fields. */
export function interimHead(head: ResponseHead): ResponseHead {
  return { ...head, headers: endToEndHeaders(head.headers, false) }
}

/** A 101 to a request that asked for an upgrade; null when it is not a valid switch. */
export function switchingHead(head: ResponseHead, upgradeRequested: boolean): ResponseHead | null {
  if (!upgradeRequested || !upgradeProtocols(getHeader(head.headers, 'upgrade'))) return null
  const headers = endToEndHeaders(head.headers, true)
  headers.push(['Connection', 'Upgrade'])
  return { ...head, headers }
}

/**
 * Checks an upstream's final response to `method` and builds what goes to the client.
 * `clientClose`: the client's connection ends after this exchange whatever the response says.
 */
export function planResponse(
  method: string,
  head: ResponseHead,
  clientClose: boolean,
): ResponsePlan | { message: string } {
  const f = indexFields(head.headers)
  const framing = responseFraming(method, head, f)
  if (!framing.ok) return { message: framing.message }
  const connection = f.get('connection')
  const close =
    clientClose || framing.framing.kind === 'close' || closeWanted(head.version, connection)
  const headers = endToEndHeaders(head.headers, false, framing.header, connection ?? '')
  if (close) headers.push(['Connection', 'close'])
  return { head: { ...head, headers }, framing: framing.framing, close }
}
