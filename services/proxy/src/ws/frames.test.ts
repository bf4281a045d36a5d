import { describe, expect, test } from 'bun:test'
import { createFrameReader, type Frame } from './frames.ts'
import { concat, encodeFrame, MASK } from './testing/frames.ts'

const text = (s: string) => new TextEncoder().encode(s)
const big = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + (i >> 8)) & 0xff)

/** What a test cares about in a frame (payload as a plain copy). */
const shape = (f: Frame) => ({ ...f, payload: Array.from(f.payload) })

function readAll(chunks: Uint8Array[], max?: number) {
  const reader = createFrameReader(max === undefined ? {} : { maxPayloadBytes: max })
  const frames = chunks.flatMap((c) => reader.push(c))
  return { frames: frames.map(shape), error: reader.error }
}

const stream = concat([
  encodeFrame({ opcode: 1, payload: 'hello', mask: MASK }),
  encodeFrame({ opcode: 2, payload: big(300), mask: MASK }), // 16-bit length
  encodeFrame({ opcode: 9, payload: 'ping', mask: MASK }),
  encodeFrame({ opcode: 1, payload: '', mask: MASK }),
  encodeFrame({ opcode: 1, payload: 'abcdefghijklmnopqrstuvwxyz', fin: false, rsv1: true }),
  encodeFrame({ opcode: 0, payload: 'tail', lengthBytes: 8 }), // 64-bit length, small payload
  encodeFrame({ opcode: 8, payload: new Uint8Array([3, 232]) }),
])
const expected = [
  {
    fin: true,
    rsv1: false,
    opcode: 1,
    payload: Array.from(text('hello')),
    oversized: false,
    length: 5,
  },
  {
    fin: true,
    rsv1: false,
    opcode: 2,
    payload: Array.from(big(300)),
    oversized: false,
    length: 300,
  },
  {
    fin: true,
    rsv1: false,
    opcode: 9,
    payload: Array.from(text('ping')),
    oversized: false,
    length: 4,
  },
  { fin: true, rsv1: false, opcode: 1, payload: [], oversized: false, length: 0 },
  {
    fin: false,
    rsv1: true,
    opcode: 1,
    payload: Array.from(text('abcdefghijklmnopqrstuvwxyz')),
    oversized: false,
    length: 26,
  },
  {
    fin: true,
    rsv1: false,
    opcode: 0,
    payload: Array.from(text('tail')),
    oversized: false,
    length: 4,
  },
  { fin: true, rsv1: false, opcode: 8, payload: [3, 232], oversized: false, length: 2 },
]

describe('reading', () => {
  test('whole stream in one chunk', () => {
    expect(readAll([stream])).toEqual({ frames: expected, error: null })
  })

  test('split at every byte boundary', () => {
    for (let k = 0; k <= stream.length; k++) {
      expect(readAll([stream.subarray(0, k), stream.subarray(k)]).frames).toEqual(expected)
    }
  })

  test('split at every pair of boundaries, and byte by byte', () => {
    for (let a = 0; a < 60; a++) {
      for (let b = a; b < stream.length; b += 7) {
        const parts = [stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]
        expect(readAll(parts).frames).toEqual(expected)
      }
    }
    const bytes = Array.from(stream, (_, i) => stream.subarray(i, i + 1))
    expect(readAll(bytes).frames).toEqual(expected)
  })

  test('64-bit length with a real 70 000-byte masked payload, odd splits', () => {
    const payload = big(70_000)
    const wire = encodeFrame({ opcode: 2, payload, mask: MASK })
    expect(wire[1]! & 0x7f).toBe(127)
    const chunks = [
      wire.subarray(0, 5),
      wire.subarray(5, 13),
      wire.subarray(13, 4099),
      wire.subarray(4099),
    ]
    const { frames } = readAll(chunks)
    expect(frames).toHaveLength(1)
    expect(frames[0]!.payload).toEqual(Array.from(payload))
  })

  test('unmasking copies: the pushed chunk (also what the relay forwards) is untouched', () => {
    const wire = encodeFrame({ opcode: 1, payload: 'secret words', mask: MASK })
    const before = wire.slice()
    const [frame] = createFrameReader().push(wire)
    expect(new TextDecoder().decode(frame!.payload)).toBe('secret words')
    expect(wire).toEqual(before)
  })

  test('an unmasked payload inside one chunk is a view, not a copy', () => {
    const wire = encodeFrame({ opcode: 2, payload: big(1000) })
    const [frame] = createFrameReader().push(wire)
    expect(frame!.payload.buffer).toBe(wire.buffer)
  })
})

describe('bounds', () => {
  test('a frame over the bound is reported oversized and skipped, next frame intact', () => {
    const wire = concat([
      encodeFrame({ opcode: 2, payload: big(1000), mask: MASK }),
      encodeFrame({ opcode: 1, payload: 'after', mask: MASK }),
    ])
    const oversized = {
      fin: true,
      rsv1: false,
      opcode: 2,
      payload: [],
      oversized: true,
      length: 1000,
    }
    const after = {
      fin: true,
      rsv1: false,
      opcode: 1,
      payload: Array.from(text('after')),
      oversized: false,
      length: 5,
    }
    expect(readAll([wire], 100).frames).toEqual([oversized, after])
    const bytes = Array.from(wire, (_, i) => wire.subarray(i, i + 1))
    expect(readAll(bytes, 100).frames).toEqual([oversized, after])
    expect(readAll([wire], 1000).frames[0]!.oversized).toBe(false)
  })

  test('a huge declared length is skipped without allocating it', () => {
    const head = new Uint8Array([0x82, 127, 0, 0, 0, 1, 0, 0, 0, 0]) // 4 GiB payload
    const reader = createFrameReader()
    expect(reader.push(head)).toEqual([])
    expect(reader.push(new Uint8Array(1 << 20))).toEqual([])
    expect(reader.error).toBeNull()
  })
})

describe('protocol errors are sticky and never throw', () => {
  const cases: [string, Uint8Array, string][] = [
    ['reserved opcode', new Uint8Array([0x83, 0]), 'reserved opcode 3'],
    ['reserved control opcode', new Uint8Array([0x8b, 0]), 'reserved opcode 11'],
    ['rsv2', new Uint8Array([0xa1, 0]), 'rsv2/rsv3 set without a negotiated extension'],
    ['fragmented ping', new Uint8Array([0x09, 0]), 'fragmented control frame'],
    ['long ping', new Uint8Array([0x89, 126, 0, 200]), 'control frame payload over 125 bytes'],
    ['compressed ping', new Uint8Array([0xc9, 0]), 'rsv1 set on a control frame'],
    [
      'top length bit',
      new Uint8Array([0x82, 127, 0x80, 0, 0, 0, 0, 0, 0, 1]),
      'payload length has its top bit set',
    ],
    [
      'length over 2^53',
      new Uint8Array([0x82, 127, 0, 0x20, 0, 0, 0, 0, 0, 0]),
      'payload length over 2^53',
    ],
  ]
  for (const [name, bad, error] of cases) {
    test(name, () => {
      const reader = createFrameReader()
      const good = encodeFrame({ opcode: 1, payload: 'ok' })
      expect(reader.push(concat([good, bad, good])).map((f) => f.opcode)).toEqual([1])
      expect(reader.error).toBe(error)
      expect(reader.push(good)).toEqual([])
    })
  }
})
