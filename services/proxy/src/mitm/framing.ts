// Which body framing a request or response uses (RFC 9112 §6), decided strictly: anything two
// HTTP implementations could frame differently is refused, never guessed at. The result also
// carries the one framing header to send on (Content-Length or Transfer-Encoding, normalised).

import type { Framing } from '../http1/body.ts'
import { listElements, parseCoding, trimOws } from '../http1/grammar.ts'
import {
  type FieldIndex,
  getHeader,
  type HeaderList,
  hasToken,
  indexFields,
  type RequestHead,
  type ResponseHead,
} from '../http1/head.ts'

export type FramingHeader = ['Content-Length' | 'Transfer-Encoding', string]

export type FramingCheck =
  | { ok: true; framing: Framing; header: FramingHeader | null }
  | { ok: false; message: string }

const refuse = (message: string): FramingCheck => ({ ok: false, message })

/** Content-Length (every line, RFC 9110 §8.6): the length, null when absent, or why it is bad.
 *  Repeats are accepted only when they are the very same digits. */
function contentLength(v: string | undefined): number | null | string {
  if (v === undefined) return null
  const parts = v.split(',').map(trimOws)
  const first = parts[0]!
  if (!/^\d{1,15}$/.test(first)) return 'malformed Content-Length'
  if (parts.some((p) => p !== first)) return 'differing Content-Length values'
  return Number(first)
}

function lengthFraming(length: number): FramingCheck {
  return {
    ok: true,
    framing: length === 0 ? { kind: 'none' } : { kind: 'length', length },
    header: ['Content-Length', String(length)],
  }
}

export function requestFraming(
  head: RequestHead,
  fields: FieldIndex = indexFields(head.headers),
): FramingCheck {
  const te = fields.get('transfer-encoding')
  const cl = contentLength(fields.get('content-length'))
  if (te !== undefined) {
    if (head.version === '1.0') return refuse('Transfer-Encoding in an HTTP/1.0 request')
    if (cl !== null) return refuse('Content-Length together with Transfer-Encoding')
    const codings = listElements(te)
    if (codings.length !== 1 || codings[0]!.toLowerCase() !== 'chunked')
      return refuse('Transfer-Encoding other than a single "chunked"')
    return { ok: true, framing: { kind: 'chunked' }, header: ['Transfer-Encoding', 'chunked'] }
  }
  if (typeof cl === 'string') return refuse(cl)
  return cl === null ? { ok: true, framing: { kind: 'none' }, header: null } : lengthFraming(cl)
}

/** A final (non-1xx) response to `method`. */
export function responseFraming(
  method: string,
  head: ResponseHead,
  fields: FieldIndex = indexFields(head.headers),
): FramingCheck {
  const s = head.status
  const bodiless = method === 'HEAD' || s === 204 || s === 304
  const te = fields.get('transfer-encoding')
  const cl = contentLength(fields.get('content-length'))
  if (te !== undefined) {
    if (head.version === '1.0') return refuse('Transfer-Encoding in an HTTP/1.0 response')
    if (cl !== null) return refuse('Content-Length together with Transfer-Encoding')
    const elements = listElements(te)
    const codings = elements.map(parseCoding)
    if (codings.length === 0 || codings.some((c) => c === null))
      return refuse('malformed Transfer-Encoding')
    const chunked = codings.filter((c) => c!.name === 'chunked')
    if (chunked.length > 1 || chunked.some((c) => c!.params))
      return refuse('chunked applied more than once or with parameters')
    const header: FramingHeader = ['Transfer-Encoding', elements.join(', ')]
    if (bodiless) return { ok: true, framing: { kind: 'none' }, header }
    // RFC 9112 §6.3 (4): chunked last frames the body; otherwise it runs to the close.
    const last = codings[codings.length - 1]!
    return { ok: true, framing: { kind: last.name === 'chunked' ? 'chunked' : 'close' }, header }
  }
  if (typeof cl === 'string') return refuse(cl)
  if (bodiless) {
    const header: FramingHeader | null = cl === null ? null : ['Content-Length', String(cl)]
    return { ok: true, framing: { kind: 'none' }, header }
  }
  return cl === null ? { ok: true, framing: { kind: 'close' }, header: null } : lengthFraming(cl)
}

export function wantsClose(version: string, headers: HeaderList): boolean {
  return closeWanted(version, getHeader(headers, 'connection'))
}

/** wantsClose with the Connection value already at hand. */
export function closeWanted(version: string, connection: string | undefined): boolean {
  if (hasToken(connection, 'close')) return true
  return version === '1.0' && !hasToken(connection, 'keep-alive')
}
