import { expect, test } from 'bun:test'
import * as zlib from 'node:zlib'
import { isZlibHeader, parseContentEncoding } from './encoding.ts'

test('codings come back in decoding order, identity dropped', () => {
  expect(parseContentEncoding(undefined)).toEqual({ steps: [] })
  expect(parseContentEncoding('identity')).toEqual({ steps: [] })
  expect(parseContentEncoding('x-gzip')).toEqual({ steps: [{ coding: 'x-gzip', format: 'gzip' }] })
  expect(parseContentEncoding('deflate, identity ,BR')).toEqual({
    steps: [
      { coding: 'br', format: 'brotli' },
      { coding: 'deflate', format: 'deflate' },
    ],
  })
  expect(parseContentEncoding('gzip, zstd,')).toEqual({
    steps: [
      { coding: 'zstd', format: 'zstd' },
      { coding: 'gzip', format: 'gzip' },
    ],
  })
})

test('an unknown coding anywhere is unsupported', () => {
  expect(parseContentEncoding('gzip, compress')).toEqual({ unsupported: 'compress' })
  expect(parseContentEncoding('bzip2')).toEqual({ unsupported: 'bzip2' })
})

test('every zlib header node:zlib writes is recognised; raw deflate starts are not', () => {
  const input = new TextEncoder().encode('hello hello hello, a little body to compress')
  for (let level = 0; level <= 9; level++) {
    for (let windowBits = 9; windowBits <= 15; windowBits++) {
      const z = zlib.deflateSync(input, { level, windowBits })
      expect(isZlibHeader(z[0]!, z[1]!)).toBe(true)
      const raw = zlib.deflateRawSync(input, { level, windowBits })
      expect(isZlibHeader(raw[0]!, raw[1]!)).toBe(false)
    }
  }
  expect(isZlibHeader(0x78, 0x9c)).toBe(true)
  expect(isZlibHeader(0x78, 0x9d)).toBe(false)
})
