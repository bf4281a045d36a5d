// Inputs for the framing fuzz test: a seeded PRNG, well-formed requests and responses with every
// framing the proxy supports (none, Content-Length, chunked with extensions and trailers,
// close-delimited), and mutations aimed at framing (CR, LF, NUL, SP, HTAB, commas, colons,
// framing headers, chunk terminators) so most cases sit on the edge of valid.

export interface Rng {
  /** [0, 1) */
  next(): number
  int(n: number): number
  pick<T>(xs: readonly T[]): T
  chance(p: number): boolean
}

/** mulberry32: small, fast, good enough to explore inputs; the seed reproduces a run. */
export function rng(seed: number): Rng {
  let a = seed >>> 0
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)]!,
    chance: (p) => next() < p,
  }
}

const BODY_BYTES = [
  'a',
  'Z',
  '0',
  '{',
  '}',
  '"',
  '\r\n',
  '\n',
  '\r',
  '\0',
  ' ',
  ';',
  '\xe9',
  '\xff',
]
const BODY_WORDS = ['0\r\n\r\n', 'GET / HTTP/1.1\r\n', 'Content-Length: 5\r\n', '\r\n\r\n', 'x=1']

function body(r: Rng): string {
  let s = ''
  const n = r.int(40)
  while (s.length < n) s += r.chance(0.1) ? r.pick(BODY_WORDS) : r.pick(BODY_BYTES)
  return s
}

function chunk(r: Rng, data: string): string {
  const hex = data.length.toString(16)
  const size = r.chance(0.5) ? hex.toUpperCase() : hex
  const pad = r.chance(0.1) ? '00' : ''
  const ext = r.chance(0.2) ? r.pick([';a', ';a=b', ';a="q;\\"x"', ';a=1;b']) : ''
  return `${pad}${size}${ext}\r\n${data}\r\n`
}

function chunked(r: Rng, payload: string): string {
  let out = ''
  let at = 0
  while (at < payload.length) {
    const n = 1 + r.int(payload.length - at)
    out += chunk(r, payload.slice(at, at + n))
    at += n
  }
  const trailer = r.chance(0.2) ? `X-Trailer: ${r.int(100)}\r\n` : ''
  return `${out}0\r\n${trailer}\r\n`
}

const EXTRA_HEADERS = [
  'X-Note: plain',
  'X-Note: caf\xe9',
  'Accept: */*',
  'Connection: keep-alive',
  'Connection: close',
  'Connection: keep-alive, X-Note',
  'Keep-Alive: timeout=5',
  'TE: trailers',
  'Trailer: X-Trailer',
  'Proxy-Connection: keep-alive',
  'Proxy-Authorization: Basic YTpi',
  'X-Tokentap-Project: fuzz',
  'Upgrade: websocket',
  'Connection: Upgrade',
  'Expect: 100-continue',
  'x-api-key: sk-fuzz',
]

/** Framing of a generated message body. */
type BodyKind = 'none' | 'length' | 'chunked' | 'close'

function headLines(r: Rng, kind: BodyKind, payload: string): string[] {
  const lines: string[] = []
  for (let i = r.int(4); i > 0; i--) lines.push(r.pick(EXTRA_HEADERS))
  if (kind === 'length') {
    lines.push(`Content-Length: ${payload.length}`)
    if (r.chance(0.1)) lines.push(`content-length: ${payload.length}`)
  }
  if (kind === 'chunked')
    lines.push(`Transfer-Encoding: ${r.pick(['chunked', 'Chunked', ' chunked'])}`)
  // Fisher-Yates: Array#sort with a random comparator calls it a number of times that can vary
  // with the engine's tiering, which would make a seed replay differently.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = r.int(i + 1)
    ;[lines[i], lines[j]] = [lines[j]!, lines[i]!]
  }
  return lines
}

const METHODS = ['GET', 'POST', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']

/** One to three pipelined requests (absolute-form, for the proxy port) as one byte string. */
export function requests(r: Rng): string {
  let out = ''
  for (let n = 1 + r.int(3); n > 0; n--) {
    const method = r.pick(METHODS)
    const kind: BodyKind = r.pick(['none', 'length', 'length', 'chunked', 'chunked'])
    const payload = kind === 'none' ? '' : body(r)
    const encoded = kind === 'chunked' ? chunked(r, payload) : payload
    const version = r.chance(0.1) ? '1.0' : '1.1'
    const lines = ['Host: fuzz.test', ...headLines(r, kind, payload)]
    out += `${method} http://fuzz.test/p/${r.int(1000)}?q=${r.int(9)} HTTP/${version}\r\n`
    out += `${lines.join('\r\n')}\r\n\r\n${encoded}`
  }
  return out
}

const STATUSES = [200, 200, 200, 201, 204, 304, 400, 404, 500, 100, 103]

/** One response (an interim 1xx first, sometimes) and whether the body runs to the close. */
export function response(r: Rng): string {
  const status = r.pick(STATUSES)
  // A 1xx pick is sent as an interim response before a 200.
  const interim = status < 200 ? `HTTP/1.1 ${status} Info\r\nLink: </a>\r\n\r\n` : ''
  const final = Math.max(status, 200)
  const kind: BodyKind = r.pick(['length', 'length', 'chunked', 'chunked', 'close', 'none'])
  const payload = kind === 'none' ? '' : body(r)
  const encoded = kind === 'chunked' ? chunked(r, payload) : payload
  const lines = ['Content-Type: text/plain', ...headLines(r, kind, payload)]
  if (kind === 'chunked' && r.chance(0.1)) lines.push('Transfer-Encoding: gzip')
  const head = `HTTP/${r.chance(0.05) ? '1.0' : '1.1'} ${final} ${r.pick(['OK', 'Fine', ''])}`
  return `${interim}${head}\r\n${lines.join('\r\n')}\r\n\r\n${encoded}`
}

const INSERTS = [
  '\r',
  '\n',
  '\r\n',
  '\0',
  ' ',
  '\t',
  ':',
  ',',
  ';',
  '"',
  '\x7f',
  '\x01',
  '\x80',
  '\xff',
  '0',
  'f',
  '\r\n ',
  ', chunked',
  ', identity',
  '\r\nTransfer-Encoding: chunked',
  '\r\nContent-Length: 3',
  '\r\nContent-Length: 0',
  '\r\nTransfer-Encoding: identity',
  '\r\nConnection: close',
  '\r\nUpgrade: websocket\r\nConnection: upgrade',
  '\r\nHost: evil.test',
  '0\r\n\r\n',
  'HTTP/1.1',
]

/** 0–3 mutations; a third of the cases stay as generated. */
export function mutate(r: Rng, s: string): string {
  let out = s
  for (let n = r.chance(0.33) ? 0 : 1 + r.int(3); n > 0; n--) {
    const at = r.int(out.length + 1)
    switch (r.int(6)) {
      case 0:
      case 1:
        out = out.slice(0, at) + r.pick(INSERTS) + out.slice(at)
        break
      case 2:
        out = out.slice(0, at) + out.slice(at + 1 + r.int(6))
        break
      case 3:
        out = out.slice(0, at) + String.fromCharCode(r.int(256)) + out.slice(at + 1)
        break
      case 4: {
        const digit = out.slice(at).search(/\d/)
        if (digit >= 0) {
          const i = at + digit
          out = out.slice(0, i) + String(r.int(10)) + out.slice(i + 1)
        }
        break
      }
      default: {
        // Duplicate a whole line somewhere after itself.
        const start = out.lastIndexOf('\r\n', at) + 2
        const end = out.indexOf('\r\n', start)
        if (end > start)
          out = out.slice(0, end + 2) + out.slice(start, end + 2) + out.slice(end + 2)
      }
    }
  }
  return out
}
