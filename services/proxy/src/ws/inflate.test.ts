import { afterEach, describe, expect, test } from 'bun:test'
import { constants } from 'node:zlib'
import { createMessageInflater, type MessageInflater } from './inflate.ts'
import { createDeflater } from './testing/frames.ts'

const inflaters: MessageInflater[] = []
const deflaters: { close(): void }[] = []
afterEach(() => {
  for (const i of inflaters.splice(0)) i.close()
  for (const d of deflaters.splice(0)) d.close()
})
const inflater = (maxBytes: number, resetPerMessage = false) => {
  const i = createMessageInflater({ maxBytes, resetPerMessage })
  inflaters.push(i)
  return i
}
const deflater = (noContextTakeover = false) => {
  const d = createDeflater(noContextTakeover)
  deflaters.push(d)
  return d
}
const text = (r: Awaited<ReturnType<MessageInflater['inflate']>>): string =>
  'data' in r ? new TextDecoder().decode(r.data) : `error: ${r.error}`

/** zlib's output chunk, the inflater's unit of work. */
const CHUNK = constants.Z_DEFAULT_CHUNK

/** A permessage-deflate bomb: `mib` MiB of zeros, ~1000x smaller on the wire. */
const bomb = (mib: number) => deflater(true).compress(new Uint8Array(mib * 1024 * 1024))

describe('permessage-deflate bound (issue 13 §6: deflate bomb)', () => {
  test('a deflate bomb stops inflating at the limit: work done <= limit + one zlib chunk', async () => {
    const limit = 64 * 1024
    const wire = await bomb(8)
    expect(wire.length).toBeLessThan(limit) // it passes the compressed-size bound
    const inf = inflater(limit)
    const r = await inf.inflate(wire)
    expect('error' in r && r.error).toBe(
      `inflated message exceeds ${limit} bytes; inflation stopped, window reset`,
    )
    // Main inflated all 8 MiB (the window was kept in step) before refusing the message.
    expect(inf.producedBytes).toBeGreaterThan(limit)
    expect(inf.producedBytes).toBeLessThanOrEqual(limit + CHUNK)
  })

  test('every bomb in a row costs at most the bound; a normal message after them inflates', async () => {
    const limit = 32 * 1024
    const inf = inflater(limit)
    const wire = await bomb(4)
    for (let i = 0; i < 5; i++) expect('error' in (await inf.inflate(wire))).toBe(true)
    expect(inf.producedBytes).toBeLessThanOrEqual(5 * (limit + CHUNK))
    expect(text(await inf.inflate(await deflater(true).compress('{"type":"done"}')))).toBe(
      '{"type":"done"}',
    )
  })

  test('compressed input over the bound is refused without inflating it', async () => {
    const inf = inflater(100)
    const r = await inf.inflate(new Uint8Array(101))
    expect(text(r)).toBe('error: compressed message exceeds 100 bytes; window reset')
    expect(inf.producedBytes).toBe(0)
  })

  test('context takeover after a stopped message: references into the lost window are reported, never mis-inflated', async () => {
    const d = deflater()
    const limit = 50_000
    const huge = 'abcdefghij'.repeat(10_000) // 100 KB: stopped at the bound
    const wire = [
      await d.compress(huge),
      // points back into `huge` (the peer still has it in its window; the tap has lost it)
      await d.compress(`${huge.slice(0, 20_000)}!`),
      // fresh content: no back-reference into the lost history
      await d.compress('{"unrelated":"QWERTYUIOPASDFGHJKLZXCVBNM0123456789"}'),
    ]
    const inf = inflater(limit)
    const results = []
    for (const w of wire) results.push(text(await inf.inflate(w)).slice(0, 80))
    expect(results[0]).toStartWith(`error: inflated message exceeds ${limit} bytes`)
    expect(results[1]).toStartWith('error: inflate: ')
    expect(results[2]).toBe('{"unrelated":"QWERTYUIOPASDFGHJKLZXCVBNM0123456789"}')
  })

  test('no context takeover: the message after a stopped one inflates normally', async () => {
    const d = deflater(true)
    const inf = inflater(10_000, true)
    const big = 'x'.repeat(50_000)
    expect(text(await inf.inflate(await d.compress(big)))).toStartWith('error: inflated message')
    expect(text(await inf.inflate(await d.compress(big.slice(0, 9_000))))).toBe(big.slice(0, 9_000))
  })
})
