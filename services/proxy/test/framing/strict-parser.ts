// A strict HTTP/1.1 parser to check what the proxy sends: Node's llhttp with no lenient flag,
// which Bun ships as node:_http_common's HTTPParser (the same parser and error codes as Node's
// http module; Bun 1.4 bundles llhttp 9.4). It reports the message boundaries it saw.

import { createRequire } from 'node:module'

type Callback = (...args: unknown[]) => unknown

interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize: number, lenient: number): void
  execute(data: Buffer): number | (Error & { code?: string; reason?: string })
  finish(): undefined | (Error & { code?: string })
  close(): void
  [slot: number]: Callback
}

interface LlhttpModule {
  HTTPParser: (new () => LlhttpParser) & {
    REQUEST: number
    RESPONSE: number
    kOnMessageBegin: number
    kOnHeaders: number
    kOnHeadersComplete: number
    kOnBody: number
    kOnMessageComplete: number
    kLenientNone: number
  }
  methods: string[]
}

// `_http_common` has no type declarations: the shape used here is declared above.
const llhttp = createRequire(import.meta.url)('_http_common') as LlhttpModule

export interface StrictMessage {
  method: string | null
  url: string | null
  status: number | null
  /** Raw name/value pairs as llhttp reported them. */
  headers: string[]
  body: Buffer
  upgrade: boolean
  keepAlive: boolean
}

export interface StrictParse {
  messages: StrictMessage[]
  /** llhttp's error code and reason, or null. */
  error: string | null
  /** A message had begun and did not complete by the end of the bytes. */
  partial: boolean
  /** Bytes left after an upgrade's head (the other protocol's). */
  upgraded: boolean
}

/**
 * Parses a whole byte stream as llhttp would on one connection. For responses, `methods` are the
 * request methods in order (a response to HEAD has no body). `eof`: the connection closed after
 * these bytes (which ends a close-delimited body).
 */
export function strictParse(
  kind: 'request' | 'response',
  bytes: Buffer,
  methods: string[] = [],
  eof = false,
): StrictParse {
  const { HTTPParser } = llhttp
  const p = new HTTPParser()
  const messages: StrictMessage[] = []
  let headers: string[] = []
  let url = ''
  let current: StrictMessage | null = null
  let bodyParts: Buffer[] = []
  let begun = false
  p[HTTPParser.kOnMessageBegin] = () => {
    begun = true
    headers = []
    url = ''
    bodyParts = []
  }
  p[HTTPParser.kOnHeaders] = (h, u) => {
    headers.push(...(h as string[]))
    url += u as string
  }
  p[HTTPParser.kOnHeadersComplete] = (...a) => {
    const [, , h, method, u, status, , upgrade, keepAlive] = a as [
      number,
      number,
      string[] | undefined,
      number | undefined,
      string | undefined,
      number | undefined,
      string | undefined,
      boolean,
      boolean,
    ]
    current = {
      method: method === undefined ? null : (llhttp.methods[method] ?? null),
      url: kind === 'request' ? url + (u ?? '') : null,
      status: status ?? null,
      headers: [...headers, ...(h ?? [])],
      body: Buffer.alloc(0),
      upgrade,
      keepAlive,
    }
    return kind === 'response' && methods[messages.length] === 'HEAD' ? 1 : 0
  }
  p[HTTPParser.kOnBody] = (b) => {
    bodyParts.push(Buffer.from(b as Buffer))
  }
  p[HTTPParser.kOnMessageComplete] = () => {
    if (!current) return
    current.body = Buffer.concat(bodyParts)
    messages.push(current)
    current = null
    begun = false
  }
  p.initialize(
    kind === 'request' ? HTTPParser.REQUEST : HTTPParser.RESPONSE,
    {},
    0,
    HTTPParser.kLenientNone,
  )
  const r = p.execute(bytes)
  let error: string | null = null
  let upgraded = false
  if (r instanceof Error) error = `${r.code ?? 'error'}: ${r.reason ?? r.message}`
  else if (r < bytes.length) upgraded = messages.at(-1)?.upgrade === true || current !== null
  // At EOF, finish() completes a close-delimited body (a message cut short stays begun).
  if (eof && !upgraded && !error) p.finish()
  p.close()
  const partial = begun
  return { messages, error, partial, upgraded }
}
