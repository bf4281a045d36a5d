// Bounded body capture for JSON requests and responses: the whole body up to a limit; past it only
// a head and a rolling tail, so memory stays fixed however large the body grows. The limits every
// dialect uses for its request and response copies. Pure.

import { concatBytes } from './bytes.ts'

export interface BodyLimits {
  /** Bodies up to this many bytes are kept whole. */
  maxBytes: number
  /** Past `maxBytes`: bytes kept from the start … */
  headBytes: number
  /** … and from the end. */
  tailBytes: number
}

export type CapturedBody =
  | { whole: true; text: string; bytes: number }
  | { whole: false; head: string; tail: string; bytes: number }

export interface BodyCapture {
  push(chunk: Uint8Array): void
  finish(): CapturedBody
}

const decode = (bytes: Uint8Array): string => new TextDecoder().decode(bytes)

export function createBodyCapture(limits: BodyLimits): BodyCapture {
  let parts: Uint8Array[] = []
  let bytes = 0
  let head: Uint8Array | null = null // set once the body outgrew maxBytes
  let ring = new Uint8Array(0) // allocated once the body outgrows maxBytes
  let ringAt = 0
  let ringFill = 0

  function writeTail(chunk: Uint8Array): void {
    const size = ring.length
    if (size === 0) return
    if (chunk.length >= size) {
      ring.set(chunk.subarray(chunk.length - size))
      ringAt = 0
      ringFill = size
      return
    }
    const first = Math.min(chunk.length, size - ringAt)
    ring.set(chunk.subarray(0, first), ringAt)
    ring.set(chunk.subarray(first), 0)
    ringAt = (ringAt + chunk.length) % size
    ringFill = Math.min(size, ringFill + chunk.length)
  }

  function readTail(): Uint8Array {
    if (ringFill < ring.length) return ring.subarray(0, ringFill)
    return concatBytes([ring.subarray(ringAt), ring.subarray(0, ringAt)])
  }

  return {
    push(chunk) {
      if (chunk.length === 0) return
      bytes += chunk.length
      if (head === null && bytes <= limits.maxBytes) {
        parts.push(chunk.slice()) // a copy: the caller may reuse its buffer
        return
      }
      if (head === null) {
        ring = new Uint8Array(limits.tailBytes)
        const before = concatBytes(parts)
        // The head is the body's start: what was kept, then as much of this chunk as it needs.
        const fromChunk = Math.max(0, limits.headBytes - before.length)
        head = concatBytes([before.subarray(0, limits.headBytes), chunk.subarray(0, fromChunk)])
        parts = []
        writeTail(before)
      }
      writeTail(chunk)
    },
    finish() {
      if (head === null) return { whole: true, text: decode(concatBytes(parts)), bytes }
      return { whole: false, head: decode(head), tail: decode(readTail()), bytes }
    },
  }
}

/** Bounds of the request copy every dialect reads (model, stream flag, text sample). */
export const REQUEST_LIMITS: BodyLimits = {
  maxBytes: 256 << 10,
  headBytes: 64 << 10,
  tailBytes: 8 << 10,
}
/** Bounds of a JSON response body kept for reading its usage. */
export const RESPONSE_LIMITS: BodyLimits = {
  maxBytes: 4 << 20,
  headBytes: 16 << 10,
  tailBytes: 64 << 10,
}
