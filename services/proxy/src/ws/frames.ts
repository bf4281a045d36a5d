// RFC 6455 frame reader for the tapped copy of a WebSocket stream: incremental across arbitrary
// chunk splits, unmasks client frames, never buffers more than its bound. Never throws; a
// protocol error is sticky and stops the reader (the relay itself never depends on it).

export interface Frame {
  fin: boolean
  rsv1: boolean
  opcode: number
  /** Unmasked payload; empty when `oversized`. May be a view of a pushed chunk. */
  payload: Uint8Array
  /** The payload was longer than the bound and was skipped without being buffered. */
  oversized: boolean
  /** Payload length from the header. */
  length: number
}

export interface FrameReader {
  /** Frames completed by this chunk. Chunks must not be mutated afterwards (payloads may alias them). */
  push(chunk: Uint8Array): Frame[]
  /** The first protocol error; once set, input is ignored. */
  readonly error: string | null
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024

const EMPTY = new Uint8Array(0)
const TWO_32 = 2 ** 32

/** XORs buf[start, end) with the mask, where buf[0] is payload byte 0 (so mask index = i & 3). */
function unmask(buf: Uint8Array, start: number, end: number, mask: Uint8Array, mask32: number) {
  let i = start
  while (i < end && (i & 3) !== 0) {
    buf[i] = buf[i]! ^ mask[i & 3]!
    i++
  }
  const words = (end - i) >> 2
  if (words >= 4 && (buf.byteOffset & 3) === 0) {
    // Same byte order as the mask's own Uint32 view, so this is endian-neutral.
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words)
    for (let k = 0; k < words; k++) w[k] = w[k]! ^ mask32
    i += words << 2
  }
  for (; i < end; i++) buf[i] = buf[i]! ^ mask[i & 3]!
}

function headerError(b0: number, b1: number): string | null {
  const opcode = b0 & 0x0f
  if (b0 & 0x30) return 'rsv2/rsv3 set without a negotiated extension'
  if ((opcode > 2 && opcode < 8) || opcode > 10) return `reserved opcode ${opcode}`
  if (opcode >= 8) {
    if (!(b0 & 0x80)) return 'fragmented control frame'
    if ((b1 & 0x7f) > 125) return 'control frame payload over 125 bytes'
    if (b0 & 0x40) return 'rsv1 set on a control frame'
  }
  return null
}

export function createFrameReader(opts: { maxPayloadBytes?: number } = {}): FrameReader {
  const max = opts.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  const head = new Uint8Array(14)
  const headView = new DataView(head.buffer)
  let headLen = 0
  let headNeed = 2
  let error: string | null = null

  // The frame whose payload is being read, when inPayload.
  let inPayload = false
  let b0 = 0
  let masked = false
  const mask = new Uint8Array(4)
  const mask32View = new Uint32Array(mask.buffer)
  let length = 0
  let seen = 0
  let buf: Uint8Array | null = null

  const frame = (payload: Uint8Array, oversized: boolean): Frame => ({
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    opcode: b0 & 0x0f,
    payload,
    oversized,
    length,
  })

  /** Header complete: returns false on a bad length. */
  const beginPayload = (): boolean => {
    b0 = head[0]!
    const b1 = head[1]!
    const len7 = b1 & 0x7f
    let at = 2
    if (len7 === 126) {
      length = (head[2]! << 8) | head[3]!
      at = 4
    } else if (len7 === 127) {
      const hi = headView.getUint32(2)
      if (hi >= 0x200000) {
        error = hi & 0x80000000 ? 'payload length has its top bit set' : 'payload length over 2^53'
        return false
      }
      length = hi * TWO_32 + headView.getUint32(6)
      at = 10
    } else {
      length = len7
    }
    masked = (b1 & 0x80) !== 0
    if (masked) mask.set(head.subarray(at, at + 4))
    seen = 0
    buf = null
    inPayload = true
    headLen = 0
    headNeed = 2
    return true
  }

  return {
    get error() {
      return error
    },
    push(chunk) {
      const frames: Frame[] = []
      if (error !== null) return frames
      let i = 0
      const n = chunk.length
      while (i < n) {
        if (!inPayload) {
          while (headLen < headNeed && i < n) head[headLen++] = chunk[i++]!
          if (headLen < headNeed) break
          if (headNeed === 2) {
            error = headerError(head[0]!, head[1]!)
            if (error !== null) break
            const len7 = head[1]! & 0x7f
            headNeed = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (head[1]! & 0x80 ? 4 : 0)
            if (headLen < headNeed) continue
          }
          if (!beginPayload()) break
        }
        const take = Math.min(length - seen, n - i)
        if (length > max) {
          seen += take
          i += take
          if (seen === length) {
            inPayload = false
            frames.push(frame(EMPTY, true))
          }
          continue
        }
        let payload: Uint8Array | null = null
        if (seen === 0 && take === length) {
          // Whole payload in this chunk: a view, or one copy to unmask (never unmask in place:
          // the chunk is also what the relay forwards).
          payload = chunk.subarray(i, i + take)
          if (masked && take > 0) {
            payload = new Uint8Array(payload)
            unmask(payload, 0, take, mask, mask32View[0]!)
          }
        } else if (take > 0) {
          buf ??= new Uint8Array(length)
          buf.set(chunk.subarray(i, i + take), seen)
          if (masked) unmask(buf, seen, seen + take, mask, mask32View[0]!)
          if (seen + take === length) payload = buf
        }
        seen += take
        i += take
        if (seen === length) {
          inPayload = false
          frames.push(frame(payload ?? EMPTY, false))
        }
      }
      return frames
    },
  }
}
