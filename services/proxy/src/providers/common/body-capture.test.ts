// Bounded body capture: whole up to the limit, else a head and a rolling tail, the same under every
// chunking, and never a view into a buffer the caller reuses.

import { describe, expect, test } from 'bun:test'
import { chunkings, toBytes } from '../testing/replay.ts'
import { type BodyLimits, type CapturedBody, createBodyCapture } from './body-capture.ts'

const limits: BodyLimits = { maxBytes: 32, headBytes: 8, tailBytes: 12 }

function capture(chunks: Uint8Array[]): CapturedBody {
  const c = createBodyCapture(limits)
  for (const chunk of chunks) {
    const copy = chunk.slice()
    c.push(copy)
    copy.fill(0) // the caller reuses its buffer
  }
  return c.finish()
}

describe('body capture', () => {
  test('a body up to maxBytes is kept whole', () => {
    const body = toBytes('{"a":"0123456789abcdefghij"}')
    for (const c of chunkings(body)) {
      expect({ label: c.label, captured: capture(c.chunks) }).toEqual({
        label: c.label,
        captured: { whole: true, text: '{"a":"0123456789abcdefghij"}', bytes: body.length },
      })
    }
    expect(capture([])).toEqual({ whole: true, text: '', bytes: 0 })
  })

  test('past maxBytes: the first headBytes and the last tailBytes, whatever the chunking', () => {
    const text = `HEAD-abc${'m'.repeat(40)}tail-0123456`
    const body = toBytes(text)
    for (const c of chunkings(body)) {
      expect({ label: c.label, captured: capture(c.chunks) }).toEqual({
        label: c.label,
        captured: { whole: false, head: 'HEAD-abc', tail: 'tail-0123456', bytes: body.length },
      })
    }
  })
})
