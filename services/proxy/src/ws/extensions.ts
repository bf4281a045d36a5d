// permessage-deflate (RFC 7692) parameters from the server's Sec-WebSocket-Extensions answer.

import type { WsDirection } from '@tokentap/shared'

export interface DeflateParams {
  /** The server starts every message with an empty window. */
  serverNoContextTakeover: boolean
  /** The client starts every message with an empty window. */
  clientNoContextTakeover: boolean
  /** LZ77 window (8-15 bits) the server compresses with. */
  serverMaxWindowBits: number
  /** LZ77 window (8-15 bits) the client compresses with. */
  clientMaxWindowBits: number
}

/** Whether messages sent by `direction` each start from a fresh compression context. */
export function resetsPerMessage(params: DeflateParams, direction: WsDirection): boolean {
  return direction === 'server' ? params.serverNoContextTakeover : params.clientNoContextTakeover
}

/** Splits on `sep` outside quoted strings. */
function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = []
  let start = 0
  let quoted = false
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quoted && c === '\\') i++
    else if (c === '"') quoted = !quoted
    else if (!quoted && c === sep) {
      out.push(s.slice(start, i))
      start = i + 1
    }
  }
  out.push(s.slice(start))
  return out
}

function unquote(v: string): string {
  const t = v.trim()
  if (t.length < 2 || !t.startsWith('"') || !t.endsWith('"')) return t
  return t.slice(1, -1).replace(/\\(.)/g, '$1')
}

function windowBits(value: string | null): number {
  if (value === null || !/^\d+$/.test(value)) return 15
  const n = Number(value)
  return n >= 8 && n <= 15 ? n : 15
}

/**
 * The server lists only what it accepted, so the first permessage-deflate entry in its answer is
 * the one in force; null when it accepted none. Unknown parameters are ignored (the endpoints,
 * not the tap, decide whether the handshake is valid).
 */
export function parseDeflateExtension(header: string | undefined): DeflateParams | null {
  if (header === undefined) return null
  for (const extension of splitOutsideQuotes(header, ',')) {
    const [name = '', ...params] = splitOutsideQuotes(extension, ';')
    if (name.trim().toLowerCase() !== 'permessage-deflate') continue
    const result: DeflateParams = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    }
    for (const param of params) {
      const eq = param.indexOf('=')
      const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase()
      const value = eq < 0 ? null : unquote(param.slice(eq + 1))
      if (key === 'server_no_context_takeover') result.serverNoContextTakeover = true
      else if (key === 'client_no_context_takeover') result.clientNoContextTakeover = true
      else if (key === 'server_max_window_bits') result.serverMaxWindowBits = windowBits(value)
      else if (key === 'client_max_window_bits') result.clientMaxWindowBits = windowBits(value)
    }
    return result
  }
  return null
}
