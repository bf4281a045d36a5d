// Connection-specific header fields (RFC 9110 §7.6.1) never travel past the proxy, in either
// direction: Connection and every name it lists, Keep-Alive, TE, Trailer, Upgrade (unless an
// upgrade is being relayed), Proxy-Connection, Proxy-Authorization, Proxy-Authenticate and any
// other Proxy-*. Of the framing fields only the one the caller parsed stays, normalised. Pure.

import { listElements } from './grammar.ts'
import { getHeader, type HeaderList } from './head.ts'

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
  'transfer-encoding',
  'content-length',
])

/** Names a Connection header may not remove: the proxy decides where the message goes. */
const NEVER_LISTED = new Set(['host'])

/**
 * `headers` minus every connection-specific field; Upgrade stays when `keepUpgrade`. `framing`
 * is the one framing field the caller parsed: it takes the place (and name case) of the first
 * line that carried it, with the value normalised; every other Content-Length and
 * Transfer-Encoding line goes. `connection`: the Connection value, when the caller has it.
 */
export function endToEndHeaders(
  headers: HeaderList,
  keepUpgrade: boolean,
  framing: readonly [name: string, value: string] | null = null,
  connection: string | undefined = getHeader(headers, 'connection'),
): HeaderList {
  const listed = connection
    ? new Set(
        listElements(connection)
          .map((t) => t.toLowerCase())
          .filter((t) => !NEVER_LISTED.has(t)),
      )
    : null
  const framingName = framing?.[0].toLowerCase()
  let framed = false
  const out: HeaderList = []
  for (const h of headers) {
    const l = h[0].toLowerCase()
    if (l === framingName) {
      if (!framed) out.push([h[0], framing![1]])
      framed = true
    } else if (keepUpgrade && l === 'upgrade') out.push(h)
    else if (!HOP_BY_HOP.has(l) && !l.startsWith('proxy-') && !listed?.has(l)) out.push(h)
  }
  return out
}
