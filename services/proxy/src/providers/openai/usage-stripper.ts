// `createUsageChunkStripper`: an incremental SSE filter that undoes, on the bytes sent to the
// client, what `injectIncludeUsage` changed upstream. It drops the usage-only chunk (`choices: []`
// with a `usage` object) together with the blank line ending its event, and removes the top-level
// `"usage":null` member the option adds to every other chunk. Everything else passes through
// byte for byte, SSE framing included (LF, CRLF or CR line ends, split anywhere).
// Lines are held only until their end; a line longer than MAX_LINE passes through untouched.
// Pure; O(1) memory beyond one line.

import { concatBytes, EMPTY_BYTES } from '../common/bytes.ts'
import { findMember, objectMembers, removeMember } from '../common/json-scan.ts'
import { isRecord, tryParseJson } from '../common/json-values.ts'
import { isUsageOnlyChunk } from './chat-stream.ts'

export interface UsageChunkStripper {
  /** Filters the next bytes; returns the bytes to forward now (possibly empty). */
  push(bytes: Uint8Array): Uint8Array
  /** The stream ended: returns whatever was still held. */
  end(): Uint8Array
}

const CR = 13
const LF = 10
const MAX_LINE = 1 << 20
const DATA = [100, 97, 116, 97, 58] // "data:"
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

const isData = (line: Uint8Array): boolean => DATA.every((byte, i) => line[i] === byte)

type Verdict = { drop: true } | { drop: false; line: Uint8Array }

/** What to do with one complete line (without its terminator). */
function judge(line: Uint8Array): Verdict {
  if (!isData(line)) return { drop: false, line }
  const start = line[5] === 32 ? 6 : 5
  if (line[start] !== 123) return { drop: false, line } // not a JSON object ([DONE], …)
  let text: string
  try {
    text = decoder.decode(line.subarray(start))
  } catch {
    return { drop: false, line }
  }
  const parsed = tryParseJson(text)
  if (!parsed.ok || !isRecord(parsed.value)) return { drop: false, line }
  if (isUsageOnlyChunk(parsed.value)) return { drop: true }
  if (parsed.value.usage !== null) return { drop: false, line }
  const span = objectMembers(text)
  const member = span === null ? null : findMember(span, 'usage')
  if (span === null || member === null) return { drop: false, line }
  const edited = encoder.encode(removeMember(text, span, member))
  const out = new Uint8Array(start + edited.length)
  out.set(line.subarray(0, start))
  out.set(edited, start)
  return { drop: false, line: out }
}

export function createUsageChunkStripper(): UsageChunkStripper {
  let held: Uint8Array[] = [] // the current line so far (copies)
  let heldLength = 0
  let passthrough = false // the current line outgrew MAX_LINE: forwarded as it comes
  let afterCR = false // the last terminator was a CR: an LF right after belongs to it
  let dropLF = false // … and that CR's line was dropped, so the LF goes too
  let dropBlank = false // a usage-only chunk was dropped: drop the blank line ending its event

  /** Handles one complete line (held + tail); returns what to forward, terminator included. */
  function finishLine(tail: Uint8Array, terminator: Uint8Array): Uint8Array | null {
    if (passthrough) {
      passthrough = false
      dropBlank = false
      return concatBytes([tail, terminator])
    }
    const line = held.length === 0 ? tail : concatBytes([...held, tail])
    held = []
    heldLength = 0
    if (line.length > MAX_LINE) {
      dropBlank = false
      return concatBytes([line, terminator])
    }
    if (dropBlank) {
      dropBlank = false
      if (line.length === 0) return null
    }
    const verdict = judge(line)
    if (verdict.drop) {
      dropBlank = true
      return null
    }
    return concatBytes([verdict.line, terminator])
  }

  return {
    push(bytes) {
      const out: Uint8Array[] = []
      let i = 0
      if (afterCR && bytes.length > 0) {
        afterCR = false
        if (bytes[0] === LF) {
          if (!dropLF) out.push(bytes.subarray(0, 1))
          i = 1
        }
        dropLF = false
      }
      while (i < bytes.length) {
        let j = i
        while (j < bytes.length && bytes[j] !== CR && bytes[j] !== LF) j++
        if (j === bytes.length) {
          const rest = bytes.subarray(i)
          if (passthrough) out.push(rest)
          else if (heldLength + rest.length > MAX_LINE) {
            out.push(...held, rest)
            held = []
            heldLength = 0
            passthrough = true
          } else {
            held.push(rest.slice())
            heldLength += rest.length
          }
          break
        }
        let end = j + 1
        if (bytes[j] === CR) {
          if (j + 1 < bytes.length) {
            if (bytes[j + 1] === LF) end = j + 2
          } else afterCR = true
        }
        const kept = finishLine(bytes.subarray(i, j), bytes.subarray(j, end))
        if (kept !== null) out.push(kept)
        else if (afterCR) dropLF = true
        i = end
      }
      return out.length === 0 ? EMPTY_BYTES : concatBytes(out).slice()
    },
    end() {
      afterCR = false
      if (passthrough || heldLength === 0) {
        held = []
        heldLength = 0
        passthrough = false
        return EMPTY_BYTES
      }
      return finishLine(EMPTY_BYTES, EMPTY_BYTES)?.slice() ?? EMPTY_BYTES
    },
  }
}
