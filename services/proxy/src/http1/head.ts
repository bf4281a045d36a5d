// HTTP/1.x message heads: parse request and response heads from raw bytes, keep header order
// and case so what we forward is what the client sent.

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

const CRLFCRLF = Buffer.from('\r\n\r\n')
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Finds the end of a head (after the blank line); -1 while incomplete. */
export function findHeadEnd(buf: Buffer): number {
  const i = buf.indexOf(CRLFCRLF)
  return i < 0 ? -1 : i + 4
}

function parseHeaderLines(lines: string[]): HeaderList | string {
  const headers: HeaderList = []
  for (const line of lines) {
    if (line === '') continue
    const colon = line.indexOf(':')
    if (colon <= 0) return `malformed header line`
    const name = line.slice(0, colon)
    if (!TOKEN.test(name)) return `malformed header name`
    headers.push([name, line.slice(colon + 1).trim()])
  }
  return headers
}

function splitHead(buf: Buffer, maxBytes: number): string[] | HeadResult<never> {
  const end = findHeadEnd(buf)
  if (end < 0) {
    return buf.length > maxBytes
      ? { kind: 'error', status: 431, message: 'request header fields too large' }
      : { kind: 'incomplete' }
  }
  if (end > maxBytes)
    return { kind: 'error', status: 431, message: 'request header fields too large' }
  return buf.toString('latin1', 0, end - 4).split('\r\n')
}

export function parseRequestHead(buf: Buffer, maxBytes: number): HeadResult<RequestHead> {
  const lines = splitHead(buf, maxBytes)
  if (!Array.isArray(lines)) return lines
  const [start = '', ...rest] = lines
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/(1\.[01])$/.exec(start)
  if (!m) return { kind: 'error', status: 400, message: 'malformed request line' }
  const headers = parseHeaderLines(rest)
  if (typeof headers === 'string') return { kind: 'error', status: 400, message: headers }
  return {
    kind: 'ok',
    head: { method: m[1]!, target: m[2]!, version: m[3]!, headers },
    headBytes: findHeadEnd(buf),
  }
}

export function parseResponseHead(buf: Buffer, maxBytes: number): HeadResult<ResponseHead> {
  const lines = splitHead(buf, maxBytes)
  if (!Array.isArray(lines)) return lines
  const [start = '', ...rest] = lines
  const m = /^HTTP\/(1\.[01]) (\d{3})(?: (.*))?$/.exec(start)
  if (!m) return { kind: 'error', status: 400, message: 'malformed status line' }
  const headers = parseHeaderLines(rest)
  if (typeof headers === 'string') return { kind: 'error', status: 400, message: headers }
  return {
    kind: 'ok',
    head: { version: m[1]!, status: Number(m[2]), reason: m[3] ?? '', headers },
    headBytes: findHeadEnd(buf),
  }
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
  const v = getHeader(headers, name)
  if (!v) return false
  const t = token.toLowerCase()
  return v.split(',').some((p) => p.trim().toLowerCase() === t)
}

export function serializeRequestHead(head: RequestHead): Buffer {
  let s = `${head.method} ${head.target} HTTP/${head.version}\r\n`
  for (const [n, v] of head.headers) s += `${n}: ${v}\r\n`
  return Buffer.from(`${s}\r\n`, 'latin1')
}
