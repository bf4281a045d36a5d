// Test support: a minimal RFC 6455 frame encoder and a permessage-deflate compressor.

import * as zlib from 'node:zlib'

export interface FrameSpec {
  opcode: number
  payload: Uint8Array | string
  fin?: boolean
  rsv1?: boolean
  /** Client frames are masked; a fixed key keeps tests reproducible. */
  mask?: Uint8Array | null
  /** Force a length encoding (non-minimal is allowed by readers, and exercises the 64-bit path). */
  lengthBytes?: 0 | 2 | 8
}

export const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d])

const bytes = (p: Uint8Array | string): Uint8Array =>
  typeof p === 'string' ? new TextEncoder().encode(p) : p

export function encodeFrame(spec: FrameSpec): Uint8Array {
  const payload = bytes(spec.payload)
  const len = payload.length
  const lengthBytes = spec.lengthBytes ?? (len < 126 ? 0 : len < 65536 ? 2 : 8)
  const mask = spec.mask ?? null
  const headLen = 2 + lengthBytes + (mask ? 4 : 0)
  const out = new Uint8Array(headLen + len)
  const view = new DataView(out.buffer)
  out[0] = ((spec.fin ?? true) ? 0x80 : 0) | (spec.rsv1 ? 0x40 : 0) | spec.opcode
  out[1] = (mask ? 0x80 : 0) | (lengthBytes === 0 ? len : lengthBytes === 2 ? 126 : 127)
  if (lengthBytes === 2) view.setUint16(2, len)
  if (lengthBytes === 8) view.setBigUint64(2, BigInt(len))
  if (mask) out.set(mask, 2 + lengthBytes)
  for (let i = 0; i < len; i++) out[headLen + i] = payload[i]! ^ (mask ? mask[i & 3]! : 0)
  return out
}

export function concat(parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts))
}

/**
 * Compresses messages the way a permessage-deflate sender does: raw deflate, sync flush, trailing
 * 00 00 ff ff removed. One long-lived deflater shares context across messages unless
 * `noContextTakeover`.
 */
export function createDeflater(noContextTakeover = false) {
  let stream: zlib.DeflateRaw | null = null
  let parts: Buffer[] = []
  return {
    compress(message: Uint8Array | string): Promise<Uint8Array> {
      if (stream === null || noContextTakeover) {
        stream?.destroy()
        stream = zlib.createDeflateRaw({ windowBits: 15 })
        stream.on('data', (c: Buffer) => parts.push(c))
      }
      const s = stream
      parts = []
      return new Promise((resolve) => {
        s.write(bytes(message))
        s.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          const all = Buffer.concat(parts)
          resolve(new Uint8Array(all.subarray(0, all.length - 4)))
        })
      })
    },
    close() {
      stream?.destroy()
    },
  }
}
