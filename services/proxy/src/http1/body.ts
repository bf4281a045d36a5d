// Incremental HTTP/1.1 body framing: tells where a message body ends in a byte stream and
// yields its payload (chunked framing removed) for the parser's copy. The caller forwards the
// raw bytes up to `consumed`: only bytes this framer accepted, never past an error.

import { parseChunkLine } from './grammar.ts'
import { parseFieldLine } from './head.ts'

export type Framing =
  | { kind: 'none' }
  | { kind: 'length'; length: number }
  | { kind: 'chunked' }
  | { kind: 'close' }

export interface FramerStep {
  /** Bytes of the input that belong to this body. */
  consumed: number
  /** Payload slices (views into the input). */
  payload: Uint8Array[]
  done: boolean
  error?: string
}

enum C {
  Size = 0,
  SizeLF = 1,
  Data = 2,
  DataCR = 3,
  DataLF = 4,
  Trailer = 5,
  TrailerLF = 6,
  Done = 7,
}

/** Fields a trailer may not carry (RFC 9110 §6.5.1): framing, routing and connection fields,
 *  which parsers that merge trailers into the head would act on. */
const NOT_IN_TRAILERS = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'upgrade',
])

/** Longest chunk-size line (with extensions) and whole trailer section accepted. */
const MAX_LINE = 4096
const MAX_TRAILER_BYTES = 16 * 1024

export interface BodyFramer {
  push(chunk: Uint8Array): FramerStep
  /** The peer closed: is the body complete? (true for close-delimited bodies) */
  endOfStream(): boolean
  readonly done: boolean
}

export function createBodyFramer(framing: Framing): BodyFramer {
  switch (framing.kind) {
    case 'none':
      return {
        push: () => ({ consumed: 0, payload: [], done: true }),
        endOfStream: () => true,
        done: true,
      }
    case 'length':
      return lengthFramer(framing.length)
    case 'close':
      return {
        push: (chunk) => ({ consumed: chunk.length, payload: [chunk], done: false }),
        endOfStream: () => true,
        done: false,
      }
    case 'chunked':
      return chunkedFramer()
  }
}

function lengthFramer(total: number): BodyFramer {
  let left = total
  return {
    get done() {
      return left === 0
    },
    push(chunk) {
      const n = Math.min(left, chunk.length)
      left -= n
      return { consumed: n, payload: n > 0 ? [chunk.subarray(0, n)] : [], done: left === 0 }
    },
    endOfStream: () => left === 0,
  }
}

/** RFC 9112 §7.1, strictly: CRLF after every line and chunk, chunk-size and extensions without
 *  whitespace, trailer lines with the header grammar and no framing or connection fields. On an
 *  error `consumed` stops before the offending byte. */
function chunkedFramer(): BodyFramer {
  let state = C.Size
  let line = ''
  let left = 0
  let trailerBytes = 0
  const f: BodyFramer = {
    get done() {
      return state === C.Done
    },
    push(chunk) {
      const payload: Uint8Array[] = []
      let i = 0
      const fail = (error: string): FramerStep => ({ consumed: i, payload, done: false, error })
      while (i < chunk.length && state !== C.Done) {
        const b = chunk[i]!
        switch (state) {
          case C.Size:
            if (b === 13) state = C.SizeLF
            else if (b === 10) return fail('bare LF after a chunk size')
            else if (line.length >= MAX_LINE) return fail('chunk size line too long')
            else line += String.fromCharCode(b)
            break
          case C.SizeLF: {
            if (b !== 10) return fail('CR without LF after a chunk size')
            const size = parseChunkLine(line)
            if (size === null) return fail('bad chunk size or extension')
            line = ''
            left = size
            state = size === 0 ? C.Trailer : C.Data
            break
          }
          case C.Data: {
            const n = Math.min(left, chunk.length - i)
            payload.push(chunk.subarray(i, i + n))
            i += n
            left -= n
            if (left === 0) state = C.DataCR
            continue
          }
          case C.DataCR:
            if (b !== 13) return fail('missing CRLF after chunk data')
            state = C.DataLF
            break
          case C.DataLF:
            if (b !== 10) return fail('missing LF after chunk data')
            state = C.Size
            break
          case C.Trailer:
            if (b === 13) state = C.TrailerLF
            else if (b === 10) return fail('bare LF in the trailer section')
            else if (++trailerBytes > MAX_TRAILER_BYTES) return fail('trailer section too large')
            else line += String.fromCharCode(b)
            break
          case C.TrailerLF: {
            if (b !== 10) return fail('CR without LF in the trailer section')
            if (line === '') {
              state = C.Done
              break
            }
            const field = parseFieldLine(line)
            if (typeof field === 'string') return fail(`bad trailer line: ${field}`)
            const name = field[0].toLowerCase()
            if (NOT_IN_TRAILERS.has(name) || name.startsWith('proxy-'))
              return fail(`${field[0]} in a trailer`)
            line = ''
            state = C.Trailer
            break
          }
        }
        i++
      }
      return { consumed: i, payload, done: state === C.Done }
    },
    endOfStream: () => state === C.Done,
  }
  return f
}
