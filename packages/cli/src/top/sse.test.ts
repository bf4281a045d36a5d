import { describe, expect, test } from 'bun:test'
import { createSseParser } from './sse.ts'

describe('SSE parser', () => {
  test('events split at every byte boundary come out whole', () => {
    const stream = ': hello\n\nevent: usage\ndata: {"a":1}\r\n\r\nid: 7\ndata: x\ndata: y\n\n'
    for (let cut = 0; cut <= stream.length; cut++) {
      const p = createSseParser()
      const got = [...p.push(stream.slice(0, cut)), ...p.push(stream.slice(cut))]
      expect(got).toEqual([
        { event: 'usage', data: '{"a":1}', id: null },
        { event: 'message', data: 'x\ny', id: '7' },
      ])
    }
  })
})
