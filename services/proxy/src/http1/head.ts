// HTTP/1.x message heads, parsed strictly (RFC 9112 §2–5): lines end in CRLF only, no obs-fold,
// no whitespace before a colon, header values free of CR, LF, NUL and the other CTLs. Header
// order and case are kept; what leaves the proxy is rebuilt from this form (serialize.ts).

import { isReasonPhrase, isRequestTarget, isToken, TOKEN_RE, trimOws } from './grammar.ts'

export type HeaderList = [name: string, value: string][]

export interface RequestHead {
  method: string
  target: string
  version: string
  headers: HeaderList
}

export interface ResponseHead {
  version: string
  status: number
  reason: string
  headers: HeaderList
}

export type HeadResult<T> =
  | { kind: 'incomplete' }
  | { kind: 'error'; status: 400 | 431; message: string }
  | { kind: 'ok'; head: T; headBytes: number }

type HeadError = { kind: 'error'; status: 400 | 431; message: string }

const CRLFCRLF = Buffer.from('\r\n\r\n')
const CR = 13
const LF = 10

const bad = (message: string): HeadError => ({ kind: 'error', status: 400, message })

/** A CR not followed by LF, or an LF not preceded by CR, in buf[from, to): a line ending other
 *  than CRLF, which some parsers accept and others do not. */
function strayLineEnd(buf: Buffer, from: number, to: number): string | null {
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) {
    if (i === from || buf[i - 1] !== CR) return 'bare LF as a line terminator'
  }
  for (let i = buf.indexOf(CR, from); i >= 0 && i < to; i = buf.indexOf(CR, i + 1)) {
    if (i + 1 < buf.length && buf[i + 1] !== LF) return 'bare CR in the message head'
  }
  return null
}

/** Where the head's text starts (after empty lines a server may skip, RFC 9112 §2.2) and ends
 *  (before the blank line), or why it cannot be read. */
function frameHead(
  buf: Buffer,
  maxBytes: number,
  skipEmptyLines: boolean,
): { start: number; end: number } | HeadError | null {
  let start = 0
  if (skipEmptyLines) {
    while (buf[start] === CR && buf[start + 1] === LF && start < maxBytes) start += 2
  }
  const blank = buf.indexOf(CRLFCRLF, start)
  if (blank < 0) {
    // A head that uses another line ending would never end: refuse it now. (In a complete
    // head the line grammar refuses any CR or LF left inside a line.)
    const stray = strayLineEnd(buf, start, buf.length)
    if (stray) return bad(stray)
    if (buf.length <= maxBytes) return null
    return { kind: 'error', status: 431, message: 'header fields too large' }
  }
  if (blank + 4 > maxBytes)
    return { kind: 'error', status: 431, message: 'header fields too large' }
  return { start, end: blank }
}

function describeValue(value: string): string {
  if (value.includes('\n')) return 'LF in a header value'
  if (value.includes('\r')) return 'CR in a header value'
  if (value.includes('\0')) return 'NUL in a header value'
  return 'control character in a header value'
}

/** field-line = field-name ":" OWS field-value OWS, the value starting and ending with a
 *  visible byte (the common case, in one match). */
const FIELD_LINE =
  /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*((?:[\t\x20-\x7e\x80-\xff]*[\x21-\x7e\x80-\xff])?)[ \t]*$/

/** One field line (header or trailer, without CRLF) → [name, value], or why it is refused. */
export function parseFieldLine(line: string): [string, string] | string {
  const m = FIELD_LINE.exec(line)
  if (m) return [m[1]!, m[2]!]
  const first = line.charCodeAt(0)
  if (first === 32 || first === 9) return 'obs-fold (a header line starting with whitespace)'
  const colon = line.indexOf(':')
  if (colon < 0) return 'header line without a colon'
  const name = line.slice(0, colon)
  if (!TOKEN_RE.test(name)) {
    const last = name.charCodeAt(name.length - 1)
    if (last === 32 || last === 9) return 'whitespace between a header name and the colon'
    return 'malformed header name'
  }
  return describeValue(trimOws(line.slice(colon + 1)))
}

function parseFieldLines(lines: string[], from: number): HeaderList | HeadError {
  const headers: HeaderList = []
  for (let i = from; i < lines.length; i++) {
    const field = parseFieldLine(lines[i]!)
    if (typeof field === 'string') return bad(field)
    headers.push(field)
  }
  return headers
}

function splitLines(buf: Buffer, start: number, end: number): string[] {
  return buf.toString('latin1', start, end).split('\r\n')
}

export function parseRequestHead(buf: Buffer, maxBytes: number): HeadResult<RequestHead> {
  const f = frameHead(buf, maxBytes, true)
  if (f === null) return { kind: 'incomplete' }
  if ('kind' in f) return f
  const lines = splitLines(buf, f.start, f.end)
  const start = lines[0]!
  const sp1 = start.indexOf(' ')
  const sp2 = sp1 < 0 ? -1 : start.indexOf(' ', sp1 + 1)
  if (sp2 < 0) return bad('malformed request line')
  const method = start.slice(0, sp1)
  const target = start.slice(sp1 + 1, sp2)
  const version = start.slice(sp2 + 1)
  if (!isToken(method)) return bad('malformed request method')
  if (!isRequestTarget(target)) {
    return bad(
      /[\0\r\n]/.test(target)
        ? 'CR, LF or NUL in the request target'
        : 'malformed request target (control character, space or non-ASCII byte)',
    )
  }
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return bad('malformed request line')
  const headers = parseFieldLines(lines, 1)
  if (!Array.isArray(headers)) return headers
  return {
    kind: 'ok',
    head: { method, target, version: version.slice(5), headers },
    headBytes: f.end + 4,
  }
}

const STATUS_LINE = /^HTTP\/(1\.[01]) ([1-5]\d\d)(?: (.*))?$/

export function parseResponseHead(buf: Buffer, maxBytes: number): HeadResult<ResponseHead> {
  const f = frameHead(buf, maxBytes, false)
  if (f === null) return { kind: 'incomplete' }
  if ('kind' in f) return f
  const lines = splitLines(buf, f.start, f.end)
  const m = STATUS_LINE.exec(lines[0]!)
  if (!m) return bad('malformed status line')
  const reason = m[3] ?? ''
  if (!isReasonPhrase(reason)) return bad('control character in the reason phrase')
  const headers = parseFieldLines(lines, 1)
  if (!Array.isArray(headers)) return headers
  return {
    kind: 'ok',
    head: { version: m[1]!, status: Number(m[2]), reason, headers },
    headBytes: f.end + 4,
  }
}

/** A head's fields by lower-case name, read in one pass: values (repeats joined with ", ")
 *  and how many lines carried each name. */
export interface FieldIndex {
  get(name: string): string | undefined
  count(name: string): number
}

export function indexFields(headers: HeaderList): FieldIndex {
  const values = new Map<string, string>()
  let repeats: Map<string, number> | null = null
  for (const [n, v] of headers) {
    const k = n.toLowerCase()
    const prev = values.get(k)
    if (prev === undefined) values.set(k, v)
    else {
      values.set(k, `${prev}, ${v}`)
      repeats ??= new Map()
      repeats.set(k, (repeats.get(k) ?? 1) + 1)
    }
  }
  return {
    get: (name) => values.get(name),
    count: (name) => repeats?.get(name) ?? (values.has(name) ? 1 : 0),
  }
}

/** True when a comma-separated value (Connection, Upgrade) holds `token` (case-insensitive). */
export function hasToken(value: string | undefined, token: string): boolean {
  if (!value) return false
  const t = token.toLowerCase()
  return value.split(',').some((p) => trimOws(p).toLowerCase() === t)
}

/** Value of a header (case-insensitive); repeated headers joined with ", ". */
export function getHeader(headers: HeaderList, name: string): string | undefined {
  const lower = name.toLowerCase()
  let out: string | undefined
  for (const [n, v] of headers) {
    if (n.toLowerCase() === lower) out = out === undefined ? v : `${out}, ${v}`
  }
  return out
}

export function headerMap(headers: HeaderList): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [n, v] of headers) {
    const k = n.toLowerCase()
    out[k] = out[k] === undefined ? v : `${out[k]}, ${v}`
  }
  return out
}

/** True when a comma-separated header (Connection, Upgrade) holds `token`. */
export function headerHasToken(headers: HeaderList, name: string, token: string): boolean {
  return hasToken(getHeader(headers, name), token)
}
