// Content-Encoding header → the decompression steps to run, in decoding order.

/** Formats Bun's native DecompressionStream accepts; 'deflate' is resolved to zlib or raw later. */
export type DecodeFormat = 'gzip' | 'deflate' | 'brotli' | 'zstd'

export interface DecodeStep {
  /** The content-coding token as sent (lower-cased), for error messages. */
  coding: string
  format: DecodeFormat
}

const FORMATS: Readonly<Record<string, DecodeFormat>> = {
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'brotli',
  zstd: 'zstd',
}

/**
 * Codings are listed in the order they were applied, so decoding runs them in reverse.
 * `identity` and empty items are dropped; an unknown coding is returned as `unsupported`.
 */
export function parseContentEncoding(
  header: string | undefined,
): { steps: DecodeStep[] } | { unsupported: string } {
  const steps: DecodeStep[] = []
  if (header === undefined) return { steps }
  for (const raw of header.split(',')) {
    const coding = raw.trim().toLowerCase()
    if (coding === '' || coding === 'identity') continue
    const format = FORMATS[coding]
    if (format === undefined) return { unsupported: coding }
    steps.push({ coding, format })
  }
  return { steps: steps.reverse() }
}

/**
 * `Content-Encoding: deflate` is meant to be zlib-wrapped (RFC 9110) but servers also send raw
 * deflate. A zlib header is CM=8 in the low nibble, CINFO ≤ 7, and a check value making the
 * first two bytes a multiple of 31; a raw stream only rarely matches all three.
 */
export function isZlibHeader(b0: number, b1: number): boolean {
  return (b0 & 0x0f) === 8 && b0 >> 4 <= 7 && ((b0 << 8) | b1) % 31 === 0
}
