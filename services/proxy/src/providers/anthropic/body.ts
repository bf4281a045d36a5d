// Bounded body capture for JSON requests and responses: the whole body up to a limit; past it only
// a head and a rolling tail, so memory stays fixed however large the body grows. Plus the cheap
// text scans used on those pieces when full JSON parsing is not possible. Pure and generic.

import { isRecord, type JsonObject, tryParseJson } from './usage.ts'

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

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

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
    return concat([ring.subarray(ringAt), ring.subarray(0, ringAt)], ring.length)
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
        const all = concat(parts, bytes - chunk.length)
        head = all.slice(0, limits.headBytes)
        parts = []
        writeTail(all)
      }
      writeTail(chunk)
    },
    finish() {
      if (head === null) return { whole: true, text: decode(concat(parts, bytes)), bytes }
      return { whole: false, head: decode(head), tail: decode(readTail()), bytes }
    },
  }
}

/** The string value of the first `"key": "…"` in `text` (no escapes inside), else null. */
export function firstStringField(text: string, key: string): string | null {
  const match = new RegExp(`"${key}"\\s*:\\s*"([^"\\\\]{1,256})"`).exec(text)
  return match?.[1] ?? null
}

/** The boolean value of the first (or last) `"key": true|false` in `text`, else null. */
export function booleanField(text: string, key: string, last = false): boolean | null {
  const re = new RegExp(`"${key}"\\s*:\\s*(true|false)\\b`, 'g')
  let found: string | null = null
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    found = m[1] ?? null
    if (!last) break
  }
  return found === null ? null : found === 'true'
}

/** End index (exclusive) of the balanced JSON object starting at `start` (a `{`), else -1. */
function objectEnd(text: string, start: number): number {
  let depth = 0
  let inString = false
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92)
        i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 123) depth++
    else if (c === 125 && --depth === 0) return i + 1
  }
  return -1
}

/**
 * The object value of the LAST `"key": {…}` in `text` that parses, else null. Used on the tail of
 * an oversized response, where the top-level `usage` object is the last one serialised.
 */
export function lastObjectField(text: string, key: string): JsonObject | null {
  const needle = `"${key}"`
  for (let at = text.lastIndexOf(needle); at !== -1; at = text.lastIndexOf(needle, at - 1)) {
    const colon = /^\s*:\s*\{/.exec(text.slice(at + needle.length, at + needle.length + 64))
    if (colon !== null) {
      const start = at + needle.length + colon[0].length - 1
      const end = objectEnd(text, start)
      if (end !== -1) {
        const parsed = tryParseJson(text.slice(start, end))
        if (parsed.ok && isRecord(parsed.value)) return parsed.value
      }
    }
    if (at === 0) break
  }
  return null
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
