// Bounded Server-Sent Events reader: streaming UTF-8 decoding plus eventsource-parser, with a
// thin line scanner in front that caps what reaches the parser. Data lines of events the caller
// does not need (`skipData`) are cut short, so huge `content_block_delta` payloads never cost
// memory; other data is capped per line and per event, and a cut event is reported `truncated`.
// Caps depend only on the bytes, never on how they were chunked. Every SSE dialect reads with it.

import { createParser } from 'eventsource-parser'

export interface SseEvent {
  /** The `event:` name, undefined when the block had none. */
  event: string | undefined
  data: string
  /** A data line of this event was cut at a cap: `data` is incomplete, do not parse it. */
  truncated: boolean
}

export interface SseReaderOptions {
  onEvent(event: SseEvent): void
  /** Names of events whose payload is not needed: their data lines are cut to `skippedLineChars`. */
  skipData?: (eventName: string) => boolean
  /** Cap for one line (default 1 MiB of characters). */
  maxLineChars?: number
  /** Cap for data lines of skipped events (default 4 KiB: small ones pass untouched). */
  skippedLineChars?: number
  /** Cap for the data of one event, all its lines (default 4 MiB). */
  maxEventChars?: number
}

export interface SseReader {
  push(bytes: Uint8Array): void
  /** Flushes the decoder and dispatches a last event left without its closing blank line. */
  end(): void
  /** Times the parser's own buffer backstop tripped (pathological input only). */
  readonly resets: number
}

const CR = 13
const LF = 10
const SHORT_HEAD = 6 // enough to tell `data:` and `event:` lines apart
const NAME_HEAD = 128 // an `event:` line is read in full up to this length
const DATA_PREFIX = 5 // a cut data line keeps at least `data:` so it stays a data line

export function createSseReader(options: SseReaderOptions): SseReader {
  const maxLine = Math.max(options.maxLineChars ?? 1 << 20, 16)
  const skippedLine = Math.max(options.skippedLineChars ?? 4096, 16)
  const maxEvent = Math.max(options.maxEventChars ?? 4 << 20, 16)
  const skipData = options.skipData
  const decoder = new TextDecoder()

  let truncated = false // the event being assembled had a data line cut
  let overflowed = false // eventsource-parser's backstop tripped during the last feed
  let resets = 0
  // Line scanner state, carried across chunks.
  let lineLen = 0 // characters of the current line so far (kept or cut)
  let head = '' // the current line's first characters
  let lineCap = -1 // the current line's cap, fixed once its head is known (-1: not yet)
  let dropLine = false // after a backstop reset: cut the rest of the current line entirely
  let afterCR = false // the last character was CR: an LF right after it ends nothing new
  let blockName: string | undefined // name from the current block's `event:` line
  let blockData = 0 // data characters kept in the current block

  const parser = createParser({
    onEvent(message) {
      const cut = truncated
      truncated = false
      options.onEvent({ event: message.event, data: message.data, truncated: cut })
    },
    onError(error) {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true
    },
    // Backstop only: the scanner keeps events below it, except endless empty `data:` lines.
    maxBufferSize: maxEvent + maxLine + 4096,
  })

  function capFor(): number {
    if (dropLine) return 0
    if (!head.startsWith('data:')) return maxLine
    const skipped = skipData !== undefined && blockName !== undefined && skipData(blockName)
    return Math.max(DATA_PREFIX, Math.min(skipped ? skippedLine : maxLine, maxEvent - blockData))
  }

  function endLine(): void {
    if (lineLen === 0) {
      blockName = undefined // a blank line ends the block
      blockData = 0
    } else if (head.startsWith('data:')) {
      blockData += Math.min(lineLen, lineCap < 0 ? lineLen : lineCap) + 1
    } else if (head.startsWith('event:')) {
      // An absurdly long name is unknown: never skipped.
      const value = lineLen > NAME_HEAD ? '' : head.slice(head.charCodeAt(6) === 32 ? 7 : 6)
      blockName = value === '' ? undefined : value
    }
    lineLen = 0
    head = ''
    lineCap = -1
    dropLine = false
  }

  // Called while `head` still holds the whole line so far: appends the segment's first
  // characters, up to 6, or up to 128 for an `event:` line.
  function growHead(text: string, i: number, end: number): void {
    const first = Math.min(end, i + Math.max(0, SHORT_HEAD - lineLen))
    if (first > i) head += text.slice(i, first)
    if (head.length >= SHORT_HEAD && head.startsWith('event:')) {
      const to = Math.min(end, i + NAME_HEAD - lineLen)
      if (to > first) head += text.slice(first, to)
    }
  }

  function feedParser(text: string): void {
    parser.feed(text)
    if (!overflowed) return
    // eventsource-parser dropped its buffers and stopped: restart it and skip the rest of the
    // line it was holding (that event is lost; later events parse normally).
    overflowed = false
    resets++
    truncated = false
    parser.reset()
    if (lineLen > 0) dropLine = true
  }

  function feedText(text: string): void {
    const n = text.length
    let keepFrom = 0 // start of the text not yet handed to the parser
    let nextCR = text.indexOf('\r')
    let nextLF = text.indexOf('\n')
    let i = 0
    while (i < n) {
      if (nextCR !== -1 && nextCR < i) nextCR = text.indexOf('\r', i)
      if (nextLF !== -1 && nextLF < i) nextLF = text.indexOf('\n', i)
      const term = nextCR === -1 ? nextLF : nextLF === -1 ? nextCR : Math.min(nextCR, nextLF)
      const end = term === -1 ? n : term
      if (end > i) {
        afterCR = false
        if (head.length === lineLen) growHead(text, i, end)
        if (lineCap < 0 && (head.length >= SHORT_HEAD || lineLen + (end - i) > DATA_PREFIX)) {
          lineCap = capFor()
        }
        const cap = dropLine ? 0 : lineCap < 0 ? maxLine : lineCap
        if (lineLen + (end - i) > cap) {
          // Feed what precedes the cut first, so earlier events dispatch before the flag is set.
          const keepEnd = i + Math.max(0, cap - lineLen)
          if (keepEnd > keepFrom) feedParser(text.slice(keepFrom, keepEnd))
          keepFrom = end
          if (!dropLine && head.startsWith('data:')) truncated = true
        }
        lineLen += end - i
      }
      if (term === -1) break
      if (text.charCodeAt(term) === LF && afterCR) {
        afterCR = false // second half of a CRLF pair
      } else {
        endLine()
        afterCR = text.charCodeAt(term) === CR
      }
      i = term + 1
    }
    if (keepFrom < n) feedParser(keepFrom === 0 ? text : text.slice(keepFrom))
  }

  return {
    push(bytes) {
      const text = decoder.decode(bytes, { stream: true })
      if (text !== '') feedText(text)
    },
    end() {
      const rest = decoder.decode()
      if (rest !== '') feedText(rest)
      // Lenient on a missing final blank line; a partial last line is never dispatched.
      if (lineLen === 0) feedText('\n\n')
    },
    get resets() {
      return resets
    },
  }
}
