// permessage-deflate message inflation (RFC 7692 §7.2.2): one long-lived raw inflater per
// direction so later messages can reference earlier ones (context takeover).

import * as zlib from 'node:zlib'

export type InflateResult = { data: Uint8Array } | { error: string }

export interface MessageInflater {
  /** Inflates one message's joined payload. Calls must not overlap; never rejects. */
  inflate(payload: Uint8Array): Promise<InflateResult>
  /** Drops the window, e.g. after a compressed message was skipped without being inflated. */
  reset(): void
  close(): void
}

const TAIL = new Uint8Array([0x00, 0x00, 0xff, 0xff])

export function createMessageInflater(opts: {
  /** The peer resets its compressor per message (`*_no_context_takeover`). */
  resetPerMessage: boolean
  maxBytes: number
}): MessageInflater {
  let stream: zlib.InflateRaw | null = null
  let parts: Uint8Array[] = []
  let size = 0
  let settle: ((r: InflateResult) => void) | null = null

  /** Settles the message in flight; a no-op once settled (an error may beat the write callback). */
  const finish = (r: InflateResult): void => {
    const s = settle
    settle = null
    parts = []
    s?.(r)
  }

  const open = (): zlib.InflateRaw => {
    // 15 bits is always enough: an inflater's window only has to be at least the compressor's,
    // so the negotiated *_max_window_bits need not be mirrored here.
    const s = zlib.createInflateRaw({ windowBits: 15 })
    s.on('data', (c: Uint8Array) => {
      if (s !== stream) return
      size += c.length
      // Past the bound, keep inflating (the window must stay in step) but keep nothing.
      if (size <= opts.maxBytes) parts.push(c)
      else parts = []
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
        settle = resolve
        parts = []
        size = 0
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
            if (err) {
              if (s === stream) stream = null
              finish({ error: `inflate: ${err.message}` })
            } else if (size > opts.maxBytes) {
              finish({ error: `inflated message exceeds ${opts.maxBytes} bytes` })
            } else {
              finish({ data: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size) })
            }
            if (opts.resetPerMessage && s === stream) s.reset()
          })
        } catch (e) {
          stream = null
          finish({ error: `inflate: ${e instanceof Error ? e.message : String(e)}` })
        }
      })
    },
    reset() {
      stream?.reset()
    },
    close() {
      stream?.destroy()
      stream = null
    },
  }
}
