// permessage-deflate message inflation (RFC 7692 §7.2.2): one long-lived raw inflater per
// direction so later messages can reference earlier ones (context takeover).
//
// Bounded work: a message's compressed input must fit `maxBytes`, and inflation stops the moment
// its output passes `maxBytes` (deflate expands up to ~1000x, so finishing a 4 MiB bomb would
// mean ~4 GiB of work). Stopping discards the zlib stream and with it the sliding window the
// peer still compresses against, so the next message starts a fresh stream with an empty window:
// - `*_no_context_takeover` (window reset per message anyway): nothing is lost;
// - context takeover: a later message whose back-references reach into the lost history fails
//   zlib's distance check ("invalid distance too far back") and is reported like any inflate
//   error; one that does not is inflated correctly. Output is never wrong, only missing: every
//   byte in the fresh window was produced after the reset, in the peer's order.
// The relay of the frames themselves is not affected (this is the parser's copy).

import * as zlib from 'node:zlib'
import { errorText } from '@tokentap/shared'

export type InflateResult = { data: Uint8Array } | { error: string }

export interface MessageInflater {
  /** Inflates one message's joined payload. Calls must not overlap; never rejects. */
  inflate(payload: Uint8Array): Promise<InflateResult>
  /** Drops the window, e.g. after a compressed message was skipped without being inflated. */
  reset(): void
  close(): void
  /** Bytes zlib emitted over this inflater's life: the work done (at most maxBytes + one
   *  chunk per message). */
  readonly producedBytes: number
}

/** zlib output chunk (16 KiB): inflation is checked against the bound after every chunk. */
const CHUNK_BYTES = zlib.constants.Z_DEFAULT_CHUNK

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff])

export function createMessageInflater(opts: {
  /** The peer resets its compressor per message (`*_no_context_takeover`). */
  resetPerMessage: boolean
  maxBytes: number
}): MessageInflater {
  let stream: zlib.InflateRaw | null = null
  let parts: Uint8Array[] = []
  let size = 0
  let produced = 0
  let settle: ((r: InflateResult) => void) | null = null

  /** Settles the message in flight; a no-op once settled (an error may beat the write callback). */
  const finish = (r: InflateResult): void => {
    const s = settle
    settle = null
    parts = []
    s?.(r)
  }

  /** Forgets the stream (and its window); the next message opens a fresh one. */
  const discard = (): void => {
    const s = stream
    stream = null
    s?.destroy()
  }

  const open = (): zlib.InflateRaw => {
    // 15 bits is always enough: an inflater's window only has to be at least the compressor's,
    // so the negotiated *_max_window_bits need not be mirrored here.
    const s = zlib.createInflateRaw({ windowBits: 15, chunkSize: CHUNK_BYTES })
    s.on('data', (c: Uint8Array) => {
      if (s !== stream) return
      produced += c.length
      size += c.length
      if (size > opts.maxBytes) {
        // destroy() stops zlib before its next chunk: the rest of the message is never inflated.
        discard()
        finish({
          error: `inflated message exceeds ${opts.maxBytes} bytes; inflation stopped, window reset`,
        })
        return
      }
      parts.push(c)
    })
    s.on('error', (e: Error) => {
      if (s !== stream) return
      stream = null
      finish({ error: `inflate: ${e.message}` })
    })
    // A block with BFINAL set ends the deflate stream; the peer must start a fresh one next.
    s.on('end', () => {
      if (s === stream) stream = null
    })
    return s
  }

  return {
    inflate(payload) {
      return new Promise<InflateResult>((resolve) => {
        // This call's own settle: a late callback of an earlier, already settled call (stopped
        // at the bound, failed) must not settle this one.
        let done = false
        const mine = (r: InflateResult): void => {
          if (done) return
          done = true
          resolve(r)
        }
        settle = mine
        parts = []
        size = 0
        if (payload.length > opts.maxBytes) {
          // Not inflated at all, so the peer's window is lost here too.
          discard()
          finish({ error: `compressed message exceeds ${opts.maxBytes} bytes; window reset` })
          return
        }
        try {
          if (stream === null || stream.readableEnded) stream = open()
          const s = stream
          const input = new Uint8Array(payload.length + 4)
          input.set(payload)
          input.set(TAIL, payload.length)
          // One write and its callback, not write + flush(Z_SYNC_FLUSH): 3-4x faster in Bun, and
          // zlib streams emit every 'data' for a chunk before calling back (the trailing empty
          // stored block makes all of the message's output available).
          s.write(input, (err) => {
            if (done) return // stopped at the bound or failed: already settled
            if (err) {
              if (s === stream) stream = null
              finish({ error: `inflate: ${err.message}` })
              return
            }
            finish({ data: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size) })
            if (opts.resetPerMessage && s === stream) s.reset()
          })
        } catch (e) {
          stream = null
          finish({ error: `inflate: ${errorText(e)}` })
        }
      })
    },
    reset() {
      stream?.reset()
    },
    close() {
      discard()
    },
    get producedBytes() {
      return produced
    },
  }
}
