import { describe, expect, test } from 'bun:test'
import type { Socket } from 'bun'
import { BunConn, writeOrPause } from './conn.ts'

/** A stand-in for Bun's socket: accepts at most `room` bytes per write, like a full buffer. */
function fakeSocket(room: number) {
  const written: number[] = []
  const s = {
    room,
    ended: false,
    paused: false,
    write(b: Uint8Array) {
      const n = Math.min(b.length, s.room)
      written.push(...b.subarray(0, n))
      s.room -= n
      return n
    },
    end() {
      s.ended = true
    },
    pause() {
      s.paused = true
    },
    resume() {
      s.paused = false
    },
    terminate() {},
    setNoDelay() {},
  }
  return { s, written, conn: new BunConn().attach(s as unknown as Socket<BunConn>) }
}

describe('BunConn', () => {
  test('keeps what the socket could not take, in order, and drains it later', () => {
    const { s, written, conn } = fakeSocket(3)
    const drained: number[] = []
    conn.on('drain', () => drained.push(1))
    expect(conn.write(new Uint8Array([1, 2, 3, 4, 5]))).toBe(false)
    expect(conn.write(new Uint8Array([6]))).toBe(false)
    expect(written).toEqual([1, 2, 3])
    s.room = 2
    conn.onDrain()
    expect(written).toEqual([1, 2, 3, 4, 5])
    expect(drained).toEqual([])
    s.room = 10
    conn.onDrain()
    expect(written).toEqual([1, 2, 3, 4, 5, 6])
    expect(drained).toEqual([1])
  })
  test('end() waits for queued bytes', () => {
    const { s, conn } = fakeSocket(1)
    conn.write(new Uint8Array([1, 2]))
    conn.end()
    expect(s.ended).toBe(false)
    s.room = 5
    conn.onDrain()
    expect(s.ended).toBe(true)
  })
  test('destroy() closes at once for writers, and emits close on a later tick', async () => {
    const { conn } = fakeSocket(10)
    let closed = false
    conn.on('close', () => {
      closed = true
    })
    conn.destroy()
    expect(conn.destroyed).toBe(true)
    expect(conn.write(new Uint8Array([1]))).toBe(false)
    expect(closed).toBe(false)
    await Bun.sleep(0)
    expect(closed).toBe(true)
  })
})

describe('writeOrPause', () => {
  test('pauses the source once per stall and resumes it on drain', () => {
    const to = fakeSocket(1)
    const from = fakeSocket(100)
    writeOrPause(to.conn, new Uint8Array([1, 2]), from.conn)
    writeOrPause(to.conn, new Uint8Array([3]), from.conn)
    expect(from.s.paused).toBe(true)
    expect(to.conn.listenerCount('drain')).toBe(1)
    to.s.room = 10
    to.conn.onDrain()
    expect(from.s.paused).toBe(false)
    expect(to.written).toEqual([1, 2, 3])
  })
  test('mayResume can keep the source paused', () => {
    const to = fakeSocket(0)
    const from = fakeSocket(100)
    writeOrPause(to.conn, new Uint8Array([1]), from.conn, () => false)
    to.s.room = 10
    to.conn.onDrain()
    expect(from.s.paused).toBe(true)
  })
})
