import { describe, expect, test } from 'bun:test'
import { createBodyFramer, type Framing } from './body.ts'

/** Feeds `wire` split at `cut`; returns payload text, consumed bytes and done. */
function run(framing: Framing, wire: Buffer, cuts: number[]) {
  const f = createBodyFramer(framing)
  let payload = ''
  let consumed = 0
  let done = false
  let error: string | undefined
  let last = 0
  for (const cut of [...cuts, wire.length]) {
    const chunk = wire.subarray(last, cut)
    last = cut
    if (done || chunk.length === 0) continue
    const step = f.push(chunk)
    consumed += step.consumed
    for (const p of step.payload) payload += Buffer.from(p).toString('latin1')
    done = step.done
    error ??= step.error
  }
  return { payload, consumed, done, error }
}

const CHUNKED = Buffer.from(
  '5;ext=1\r\nhello\r\n1A\r\n' + 'abcdefghijklmnopqrstuvwxyz' + '\r\n0\r\nx-trailer: 1\r\n\r\nNEXT',
  'latin1',
)
const BODY_END = CHUNKED.length - 4

describe('chunked framing', () => {
  test('whole buffer: payload without framing, stops before the next message', () => {
    const r = run({ kind: 'chunked' }, CHUNKED, [])
    expect(r).toEqual({
      payload: 'helloabcdefghijklmnopqrstuvwxyz',
      consumed: BODY_END,
      done: true,
      error: undefined,
    })
  })
  test('split at every point gives the same result', () => {
    for (let i = 1; i < CHUNKED.length; i++) {
      const r = run({ kind: 'chunked' }, CHUNKED, [i])
      expect([i, r.payload, r.consumed, r.done]).toEqual([
        i,
        'helloabcdefghijklmnopqrstuvwxyz',
        BODY_END,
        true,
      ])
    }
  })
  test('one byte at a time', () => {
    const cuts = Array.from({ length: CHUNKED.length - 1 }, (_, i) => i + 1)
    expect(run({ kind: 'chunked' }, CHUNKED, cuts).payload).toBe('helloabcdefghijklmnopqrstuvwxyz')
  })
  test('bare LF as a line terminator in chunk lines is refused, before the offending byte', () => {
    for (const wire of ['3\nabc\r\n0\r\n\r\n', '3\r\nabc\n0\r\n\r\n', '3\r\nabc\r\n0\r\n\n']) {
      const r = run({ kind: 'chunked' }, Buffer.from(wire), [])
      expect([wire, r.done, r.error !== undefined]).toEqual([wire, false, true])
      expect(wire[r.consumed]).toBe('\n')
    }
    expect(run({ kind: 'chunked' }, Buffer.from('3\rabc'), []).error).toBe(
      'CR without LF after a chunk size',
    )
  })
  test('bad size and missing CRLF are errors, not exceptions', () => {
    expect(run({ kind: 'chunked' }, Buffer.from('zz\r\n'), []).error).toBe(
      'bad chunk size or extension',
    )
    expect(run({ kind: 'chunked' }, Buffer.from('3\r\nabcX'), []).error).toBe(
      'missing CRLF after chunk data',
    )
    expect(run({ kind: 'chunked' }, Buffer.from(`${'1'.repeat(5000)}`), []).error).toBe(
      'chunk size line too long',
    )
  })
  test('chunk-size and extension grammar: no whitespace, no empty size, no overflow', () => {
    const bad = [
      '5 \r\nhello\r\n0\r\n\r\n',
      ' 5\r\nhello\r\n0\r\n\r\n',
      '5\t\r\nhello\r\n0\r\n\r\n',
      '5 ;a=b\r\nhello\r\n0\r\n\r\n',
      '5; a=b\r\nhello\r\n0\r\n\r\n',
      '5;a=\r\nhello\r\n0\r\n\r\n',
      '5;=b\r\nhello\r\n0\r\n\r\n',
      '5;a="b\r\nhello\r\n0\r\n\r\n',
      '5;a=b c\r\nhello\r\n0\r\n\r\n',
      ';a\r\nhello\r\n0\r\n\r\n',
      '+5\r\nhello\r\n0\r\n\r\n',
      '0x5\r\nhello\r\n0\r\n\r\n',
      '5\0\r\nhello\r\n0\r\n\r\n',
      'fffffffffffffff\r\n',
    ]
    for (const wire of bad) {
      const r = run({ kind: 'chunked' }, Buffer.from(wire, 'latin1'), [])
      expect([wire, r.error]).toEqual([wire, 'bad chunk size or extension'])
    }
    const good = ['5;a\r\nhello\r\n0\r\n\r\n', '0005;a=b;c="x \\" y"\r\nhello\r\n0;z\r\n\r\n']
    for (const wire of good) {
      expect(run({ kind: 'chunked' }, Buffer.from(wire), [])).toMatchObject({
        payload: 'hello',
        done: true,
        error: undefined,
      })
    }
  })
  test('trailer grammar: field lines like headers, CRLF only, bounded', () => {
    const body = '0\r\na: 1\r\nB-c:x\r\n\r\n'
    const ok = run({ kind: 'chunked' }, Buffer.from(`${body}NEXT`), [])
    expect(ok).toMatchObject({ done: true, consumed: body.length })
    for (const trailer of ['a 1', ' a: 1', 'a : 1', 'a: 1\0', 'a: \x7f', 'a: 1\nb: 2']) {
      const wire = Buffer.from(`0\r\n${trailer}\r\n\r\n`, 'latin1')
      const r = run({ kind: 'chunked' }, wire, [])
      expect([trailer, r.done, r.error !== undefined]).toEqual([trailer, false, true])
    }
    for (const name of ['Content-Length', 'transfer-encoding', 'Host', 'Connection', 'Proxy-X']) {
      const r = run({ kind: 'chunked' }, Buffer.from(`0\r\n${name}: 1\r\n\r\n`), [])
      expect([name, r.error]).toEqual([name, `${name} in a trailer`])
    }
    const huge = Buffer.from(`0\r\n${'a: b\r\n'.repeat(5000)}\r\n`)
    expect(run({ kind: 'chunked' }, huge, []).error).toBe('trailer section too large')
  })
  test('incomplete body is not done and endOfStream says so', () => {
    const f = createBodyFramer({ kind: 'chunked' })
    f.push(Buffer.from('5\r\nhel'))
    expect(f.done).toBe(false)
    expect(f.endOfStream()).toBe(false)
  })
})

describe('length and close framing', () => {
  test('content-length stops exactly at the length', () => {
    const wire = Buffer.from('0123456789NEXT')
    for (let i = 1; i < wire.length; i++) {
      expect(run({ kind: 'length', length: 10 }, wire, [i])).toMatchObject({
        payload: '0123456789',
        consumed: 10,
        done: true,
      })
    }
  })
  test('close-delimited takes everything and is complete at end of stream', () => {
    const f = createBodyFramer({ kind: 'close' })
    expect(f.push(Buffer.from('abc')).consumed).toBe(3)
    expect(f.done).toBe(false)
    expect(f.endOfStream()).toBe(true)
  })
  test('none is done at once', () => {
    const f = createBodyFramer({ kind: 'none' })
    expect(f.done).toBe(true)
    expect(f.push(Buffer.from('x')).consumed).toBe(0)
  })
})
