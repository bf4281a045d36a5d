// Incremental HTTP/1.1 body framing: tells where a message body ends in a byte stream and
// yields its payload (chunked framing removed) for the parser's copy. Raw bytes are forwarded
// by the caller untouched, up to `consumed`.

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

const MAX_LINE = 4096

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

function chunkedFramer(): BodyFramer {
  let state = C.Size
  let line = ''
  let left = 0
  let trailerLineLen = 0
  const f: BodyFramer = {
    get done() {
      return state === C.Done
    },
    push(chunk) {
      const payload: Uint8Array[] = []
      let i = 0
      const fail = (error: string): FramerStep => ({ consumed: i, payload, done: false, error })
      while (i < chunk.length && state !== C.Done) {
        switch (state) {
          case C.Size: {
            const b = chunk[i++]!
            if (b === 13) state = C.SizeLF
            else if (b === 10) {
              if (!startData()) return fail('bad chunk size')
            } else {
              line += String.fromCharCode(b)
              if (line.length > MAX_LINE) return fail('chunk size line too long')
            }
            break
          }
          case C.SizeLF:
            if (chunk[i++] !== 10) return fail('bad chunk size line ending')
            if (!startData()) return fail('bad chunk size')
            break
          case C.Data: {
            const n = Math.min(left, chunk.length - i)
            payload.push(chunk.subarray(i, i + n))
            i += n
            left -= n
            if (left === 0) state = C.DataCR
            break
          }
          case C.DataCR: {
            const b = chunk[i++]
            if (b === 13) state = C.DataLF
            else if (b === 10) state = C.Size
            else return fail('missing CRLF after chunk data')
            break
          }
          case C.DataLF:
            if (chunk[i++] !== 10) return fail('missing LF after chunk data')
            state = C.Size
            break
          case C.Trailer: {
            const b = chunk[i++]!
            if (b === 13) state = C.TrailerLF
            else if (b === 10) endTrailerLine()
            else if (++trailerLineLen > MAX_LINE) return fail('trailer line too long')
            break
          }
          case C.TrailerLF:
            if (chunk[i++] !== 10) return fail('bad trailer line ending')
            endTrailerLine()
            break
        }
      }
      return { consumed: i, payload, done: state === C.Done }
    },
    endOfStream: () => state === C.Done,
  }
  function startData(): boolean {
    const hex = (line.split(';')[0] ?? '').trim()
    line = ''
    if (!/^[0-9a-fA-F]{1,15}$/.test(hex)) return false
    left = Number.parseInt(hex, 16)
    state = left === 0 ? C.Trailer : C.Data
    trailerLineLen = 0
    return true
  }
  function endTrailerLine(): void {
    if (trailerLineLen === 0) {
      state = C.Done
    } else {
      trailerLineLen = 0
      state = C.Trailer
    }
  }
  return f
}
