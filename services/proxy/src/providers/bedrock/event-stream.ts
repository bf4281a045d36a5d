// Incremental reader for the AWS event-stream framing (`application/vnd.amazon.eventstream`),
// shared by Bedrock and Amazon Q. Each message: total length (u32 BE), headers length (u32 BE),
// prelude CRC32, headers, payload, message CRC32. This reader does the length-prefixed reassembly
// across arbitrary chunk splits itself (holding at most one message, bounded by MAX_MESSAGE) and
// hands each complete message to @smithy's EventStreamCodec, which checks the message CRC and
// decodes the headers. The prelude CRC is checked first, so a corrupt length never makes the
// reader wait for bytes that will not come. Any error stops the reader for good (`error`).
// `eventStreamResponse` wraps it as the body reader the parser shell feeds.

import { EventStreamCodec } from '@smithy/eventstream-codec'
import { fromUtf8, toUtf8 } from '@smithy/util-utf8'
import { errorText } from '@tokentap/shared'
import type { BodyReader } from '../common/response-body.ts'
import { crc32 } from './crc32.ts'

export type EventStreamHeaderValue = string | number | boolean

export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>
  payload: Uint8Array
}

export interface EventStreamReader {
  /** Feeds bytes; returns the messages they completed (possibly none). */
  push(bytes: Uint8Array): EventStreamMessage[]
  /** Set once the stream is unreadable (bad CRC, impossible length, undecodable headers). */
  readonly error: string | null
  /** Bytes held for a message not complete yet (non-zero at the end: the stream was cut). */
  readonly buffered: number
}

const PRELUDE = 12
const MIN_MESSAGE = 16
export const MAX_MESSAGE = 16 << 20

const codec = new EventStreamCodec(toUtf8, fromUtf8)

/** Header values as plain JSON-ish values; binary and unknown types are dropped. */
function plainHeaders(
  raw: Record<string, { type: string; value: unknown }>,
): Record<string, EventStreamHeaderValue> {
  const out: Record<string, EventStreamHeaderValue> = {}
  for (const [name, header] of Object.entries(raw)) {
    const value = header.value
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      out[name] = value
    } else if (value instanceof Date) out[name] = value.getTime()
    else if (header.type === 'long' && value !== null && typeof value === 'object') {
      out[name] = Number(value.valueOf())
    }
  }
  return out
}

export function createEventStreamReader(maxMessage = MAX_MESSAGE): EventStreamReader {
  let held = new Uint8Array(0) // the start of a message that is not complete yet
  let heldLength = 0
  let error: string | null = null

  /** The message length announced by the prelude at `at`, or -1 (and `error`) when invalid. */
  function prelude(bytes: Uint8Array, at: number): number {
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, PRELUDE)
    const total = view.getUint32(0)
    const headersLength = view.getUint32(4)
    if (view.getUint32(8) !== crc32(bytes.subarray(at, at + 8))) {
      error = 'event-stream prelude CRC mismatch'
      return -1
    }
    if (total < MIN_MESSAGE || total > maxMessage || headersLength > total - MIN_MESSAGE) {
      error = `event-stream message length ${total} out of bounds`
      return -1
    }
    return total
  }

  function decode(frame: Uint8Array, out: EventStreamMessage[]): void {
    try {
      const decoded = codec.decode(frame)
      const raw = decoded.headers as Record<string, { type: string; value: unknown }>
      out.push({ headers: plainHeaders(raw), payload: decoded.body.slice() })
    } catch (cause) {
      const text = errorText(cause)
      error = /checksum/i.test(text)
        ? 'event-stream message CRC mismatch'
        : `event-stream message unreadable: ${text}`
    }
  }

  function hold(bytes: Uint8Array, capacity: number): void {
    if (held.length < capacity) {
      const grown = new Uint8Array(capacity)
      grown.set(held.subarray(0, heldLength))
      held = grown
    }
    held.set(bytes, heldLength)
    heldLength += bytes.length
  }

  return {
    push(bytes) {
      const out: EventStreamMessage[] = []
      let i = 0
      while (i < bytes.length && error === null) {
        if (heldLength === 0) {
          // Whole messages are decoded straight from the chunk; only a cut one is copied.
          const available = bytes.length - i
          const total = available >= PRELUDE ? prelude(bytes, i) : 0
          if (total < 0) break
          if (total > 0 && available >= total) {
            decode(bytes.subarray(i, i + total), out)
            i += total
            continue
          }
          hold(bytes.subarray(i), Math.max(total, PRELUDE))
          break
        }
        if (heldLength < PRELUDE) {
          const take = Math.min(PRELUDE - heldLength, bytes.length - i)
          hold(bytes.subarray(i, i + take), PRELUDE)
          i += take
          if (heldLength < PRELUDE) break
        }
        const total = prelude(held, 0)
        if (total < 0) break
        const take = Math.min(total - heldLength, bytes.length - i)
        hold(bytes.subarray(i, i + take), total)
        i += take
        if (heldLength < total) break
        decode(held.subarray(0, total), out)
        heldLength = 0
        if (held.length > 1 << 20) held = new Uint8Array(0) // do not keep a big buffer around
      }
      if (error !== null) {
        held = new Uint8Array(0)
        heldLength = 0
      }
      return out
    },
    get error() {
      return error
    },
    get buffered() {
      return heldLength
    },
  }
}

/** An event-stream response body: each message to `onMessage` as it completes; `summary` reads
 *  the reader's state (error, bytes of a cut message) at the end. */
export function eventStreamResponse<F>(
  onMessage: (message: EventStreamMessage) => void,
  summary: (reader: EventStreamReader) => F,
): BodyReader<F> {
  const reader = createEventStreamReader()
  return {
    push(chunk) {
      for (const message of reader.push(chunk)) onMessage(message)
    },
    finish: () => summary(reader),
  }
}
