// Test helper for every dialect: replays one captured exchange through fresh parsers under many
// chunkings (whole, two chunks split at EVERY byte, 1-byte chunks, cuts inside every multi-byte
// UTF-8 character, empty chunks interleaved) so tests can assert that all give the same record.
// Each pushed chunk is a private copy that is zero-filled right after the push, which catches a
// parser keeping views into buffers the proxy will reuse.

import type {
  ExchangeMeta,
  ExchangeParser,
  HeaderMap,
  ParsedUsage,
  ProviderDialect,
} from '@tokentap/shared'

export interface ReplayExchange {
  /** Response status; omit (with `headers`) for an exchange that broke off before the head. */
  status?: number
  headers?: HeaderMap
  requestBody?: string | Uint8Array
  /** Passed to endRequest: the proxy cut its copy of the request body at its bound. */
  requestTruncated?: boolean
  responseBody?: string | Uint8Array
}

export interface ReplayRun {
  /** Which chunking produced this record, e.g. `response split@123`. */
  label: string
  usage: ParsedUsage
}

export interface Chunking {
  label: string
  chunks: Uint8Array[]
}

const encoder = new TextEncoder()

export const toBytes = (body: string | Uint8Array | undefined): Uint8Array =>
  typeof body === 'string' ? encoder.encode(body) : (body ?? new Uint8Array(0))

function cutAt(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = []
  let from = 0
  for (const at of points) {
    chunks.push(bytes.subarray(from, at))
    from = at
  }
  chunks.push(bytes.subarray(from))
  return chunks
}

/** The chunkings a body is replayed under; `everySplit` adds one two-chunk run per index. */
export function chunkings(bytes: Uint8Array, everySplit = true): Chunking[] {
  const runs: Chunking[] = [{ label: 'whole', chunks: [bytes] }]
  if (bytes.length < 2) return runs
  if (everySplit) {
    for (let i = 1; i < bytes.length; i++) {
      runs.push({ label: `split@${i}`, chunks: [bytes.subarray(0, i), bytes.subarray(i)] })
    }
  }
  const ones: number[] = []
  for (let i = 1; i < bytes.length; i++) ones.push(i)
  runs.push({ label: '1-byte chunks', chunks: cutAt(bytes, ones) })
  // Cut before every UTF-8 continuation byte: every multi-byte character is split apart.
  const inside = ones.filter((i) => ((bytes[i] ?? 0) & 0xc0) === 0x80)
  if (inside.length > 0) runs.push({ label: 'utf8 cuts', chunks: cutAt(bytes, inside) })
  const sevens = ones.filter((i) => i % 7 === 0)
  const withEmpty = cutAt(bytes, sevens).flatMap((chunk) => [new Uint8Array(0), chunk])
  runs.push({ label: '7-byte chunks + empty chunks', chunks: withEmpty })
  return runs
}

/** Runs one parser over the given request and response chunks. */
export function runExchange(
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  exchange: ReplayExchange,
  requestChunks: Uint8Array[],
  responseChunks: Uint8Array[],
): ParsedUsage {
  return runParser(dialect, meta, exchange, requestChunks, responseChunks).usage
}

/** runExchange, also returning the parser (for what it offers after end(), e.g. seenText). */
export function runParser(
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  exchange: ReplayExchange,
  requestChunks: Uint8Array[],
  responseChunks: Uint8Array[],
): { usage: ParsedUsage; parser: ExchangeParser } {
  const parser = dialect.createParser(meta)
  for (const chunk of requestChunks) {
    const copy = chunk.slice()
    parser.pushRequest(copy)
    copy.fill(0)
  }
  parser.endRequest(exchange.requestTruncated ?? false)
  if (exchange.status !== undefined) {
    parser.onResponseHead(exchange.status, exchange.headers ?? {})
    for (const chunk of responseChunks) {
      const copy = chunk.slice()
      parser.pushResponse(copy)
      copy.fill(0)
    }
  }
  return { usage: parser.end(), parser }
}

/** Every chunking of the response (request whole), then of the request (response whole). */
export function replayRuns(
  dialect: ProviderDialect,
  meta: ExchangeMeta,
  exchange: ReplayExchange,
): ReplayRun[] {
  const request = toBytes(exchange.requestBody)
  const response = toBytes(exchange.responseBody)
  const runs: ReplayRun[] = []
  for (const c of chunkings(response)) {
    const usage = runExchange(dialect, meta, exchange, [request], c.chunks)
    runs.push({ label: `response ${c.label}`, usage })
  }
  for (const c of chunkings(request).slice(1)) {
    const usage = runExchange(dialect, meta, exchange, c.chunks, [response])
    runs.push({ label: `request ${c.label}`, usage })
  }
  return runs
}

/** The first run whose record differs from `expected` (as `toEqual` compares), else null. */
export function firstMismatch(runs: ReplayRun[], expected: ParsedUsage): ReplayRun | null {
  return runs.find((run) => !Bun.deepEquals(run.usage, expected)) ?? null
}
