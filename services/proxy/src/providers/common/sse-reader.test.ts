// The bounded SSE reader: caps cut the same way under every chunking, and the `truncated` flag
// lands on the event that was cut, never on its neighbours.

import { describe, expect, test } from 'bun:test'
import { chunkings, toBytes } from '../testing/replay.ts'
import { createSseReader, type SseEvent, type SseReaderOptions } from './sse-reader.ts'

type Options = Omit<SseReaderOptions, 'onEvent'>

function read(stream: string, options: Options, chunks?: Uint8Array[]): SseEvent[] {
  const events: SseEvent[] = []
  const reader = createSseReader({ ...options, onEvent: (event) => events.push(event) })
  for (const chunk of chunks ?? [toBytes(stream)]) reader.push(chunk)
  reader.end()
  return events
}

/** Reads `stream` under every chunking and checks they all agree; returns the events. */
function readAll(stream: string, options: Options): SseEvent[] {
  const expected = read(stream, options)
  for (const c of chunkings(toBytes(stream))) {
    expect({ label: c.label, events: read(stream, options, c.chunks) }).toEqual({
      label: c.label,
      events: expected,
    })
  }
  return expected
}

const big = 'x'.repeat(100)

describe('sse reader', () => {
  test('data of skipped events is cut; the flag stays on the cut event', () => {
    const stream = `event: keep\ndata: {"a":1}\n\nevent: skip\ndata: ${big}\n\nevent: keep\r\ndata:{"b":2}\r\n\r\n`
    const events = readAll(stream, { skipData: (name) => name === 'skip', skippedLineChars: 20 })
    expect(events).toEqual([
      { event: 'keep', data: '{"a":1}', truncated: false },
      { event: 'skip', data: big.slice(0, 14), truncated: true },
      { event: 'keep', data: '{"b":2}', truncated: false },
    ])
  })

  test('a line over maxLineChars is cut and flagged; other lines are untouched', () => {
    const stream = `event: a\ndata: ${big}\n\n: comment ${big}\nevent: b\ndata: short\n\n`
    const events = readAll(stream, { maxLineChars: 40 })
    expect(events).toEqual([
      { event: 'a', data: big.slice(0, 34), truncated: true },
      { event: 'b', data: 'short', truncated: false },
    ])
  })

  test('an event whose data lines together exceed maxEventChars is flagged', () => {
    const line = `data: ${'y'.repeat(30)}\n`
    const stream = `event: many\n${line.repeat(5)}\nevent: next\ndata: ok\n\n`
    const [many, next] = readAll(stream, { maxEventChars: 80 })
    expect(many?.truncated).toBe(true)
    expect(many?.data.length).toBeLessThanOrEqual(80)
    expect(next).toEqual({ event: 'next', data: 'ok', truncated: false })
  })

  test('an event name is known only for its own block', () => {
    const stream = `event: skip\ndata: ${big}\n\ndata: ${big}\n\n`
    const events = readAll(stream, { skipData: (name) => name === 'skip', skippedLineChars: 20 })
    expect(events[1]).toEqual({ event: undefined, data: big, truncated: false })
  })

  test('a last event without its blank line is dispatched; a partial line is not', () => {
    expect(readAll('data: done\n', {})).toEqual([
      { event: undefined, data: 'done', truncated: false },
    ])
    expect(readAll('data: done\r', {})).toEqual([
      { event: undefined, data: 'done', truncated: false },
    ])
    expect(readAll('data: {"partial', {})).toEqual([])
  })

  test('a leading BOM and multi-byte characters survive every split', () => {
    const events = readAll('\uFEFFevent: é\ndata: 日本語 🚀 café\n\n', {})
    expect(events).toEqual([{ event: 'é', data: '日本語 🚀 café', truncated: false }])
  })

  test('endless empty data lines trip the backstop without throwing', () => {
    const reader = createSseReader({ onEvent: () => {}, maxEventChars: 16, maxLineChars: 16 })
    const chunk = toBytes('data:\n'.repeat(1000))
    for (let i = 0; i < 20; i++) reader.push(chunk)
    reader.end()
    expect(reader.resets).toBeGreaterThan(0)
  })
})
