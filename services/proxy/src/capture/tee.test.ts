// The bounded body copy: kept whole below the bound, cut and marked above it (never inside a
// UTF-8 character), binary refused, nothing for an empty body; chunking does not matter.

import { describe, expect, test } from 'bun:test'
import { createBodyTee } from './tee.ts'

const bytes = (s: string) => new TextEncoder().encode(s)

function teeOf(max: number, body: Uint8Array, step = body.length || 1): string | null {
  const tee = createBodyTee(max)
  for (let i = 0; i < body.length; i += step) {
    const chunk = body.slice(i, i + step)
    tee.push(chunk)
    chunk.fill(0) // the proxy reuses its buffers
  }
  return tee.text()
}

describe('createBodyTee', () => {
  test('whole below the bound, same under any chunking', () => {
    const body = bytes('{"q":"café ☕"}')
    for (const step of [1, 2, 3, body.length])
      expect(teeOf(1024, body, step)).toBe('{"q":"café ☕"}')
  })

  test('cut at the bound and marked, never inside a character', () => {
    expect(teeOf(4, bytes('abcdefgh'))).toBe('abcd\n[truncated: first 4 of 8 bytes]')
    // "é" is 2 bytes: a cut after its first byte keeps only "ab".
    for (const step of [1, 5]) {
      expect(teeOf(3, bytes('abé—x'), step)).toBe('ab\n[truncated: first 2 of 8 bytes]')
    }
    expect(teeOf(5, bytes('ab☕x'))).toBe('ab☕\n[truncated: first 5 of 6 bytes]')
  })

  test('binary bodies are not stored; no body is null', () => {
    expect(teeOf(64, new Uint8Array([0x1f, 0x8b, 0x08, 0xff, 0xfe]))).toBe(
      '[binary body, 5 bytes: not stored]',
    )
    expect(teeOf(64, bytes('a\0b'))).toBe('[binary body, 3 bytes: not stored]')
    expect(teeOf(64, new Uint8Array(0))).toBeNull()
  })
})
