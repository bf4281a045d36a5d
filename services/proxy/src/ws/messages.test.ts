import { afterEach, describe, expect, test } from 'bun:test'
import * as zlib from 'node:zlib'
import type { WsDirection, WsMessage } from '@tokentap/shared'
import { type DeflateParams, parseDeflateExtension } from './extensions.ts'
import { createFrameReader, type Frame } from './frames.ts'
import { createMessageAssembler } from './messages.ts'
import { createDeflater, encodeFrame } from './testing/frames.ts'

const utf8 = (m: WsMessage) => new TextDecoder().decode(m.data)

function frame(opcode: number, payload: Uint8Array | string, more: Partial<Frame> = {}): Frame {
  const [f] = createFrameReader().push(encodeFrame({ opcode, payload }))
  return { ...f!, ...more }
}

function assembler(
  opts: { direction?: WsDirection; deflate?: DeflateParams | null; max?: number } = {},
) {
  const messages: WsMessage[] = []
  const errors: string[] = []
  const a = createMessageAssembler({
    direction: opts.direction ?? 'server',
    deflate: opts.deflate ?? null,
    ...(opts.max === undefined ? {} : { maxMessageBytes: opts.max }),
    onMessage: (m) => messages.push(m),
    onError: (e) => errors.push(e),
  })
  return { a, messages, errors }
}

const deflaters: { close(): void }[] = []
afterEach(() => {
  for (const d of deflaters.splice(0)) d.close()
})
const deflater = (noContextTakeover = false) => {
  const d = createDeflater(noContextTakeover)
  deflaters.push(d)
  return d
}

const pmd = parseDeflateExtension('permessage-deflate')!
const longText = (n: number) =>
  Array.from(
    { length: 40 },
    (_, i) => `{"type":"response.output_text.delta","seq":${n},"i":${i}}`,
  ).join('\n')

describe('plain messages', () => {
  test('fragments join; interleaved control frames are ignored', async () => {
    const { a, messages, errors } = assembler()
    a.push(frame(1, 'Hel', { fin: false }))
    a.push(frame(9, 'ping'))
    a.push(frame(0, 'lo, ', { fin: false }))
    a.push(frame(10, 'pong'))
    a.push(frame(0, 'world'))
    a.push(frame(2, new Uint8Array([1, 2, 3])))
    expect(messages.map((m) => [m.direction, m.opcode, utf8(m)])).toEqual([
      ['server', 1, 'Hello, world'],
      ['server', 2, '\u0001\u0002\u0003'],
    ])
    await a.end()
    expect(errors).toEqual([])
  })

  test('sequence errors are reported and do not stop later messages', async () => {
    const { a, messages, errors } = assembler({ direction: 'client' })
    a.push(frame(0, 'stray'))
    a.push(frame(1, 'dropped', { fin: false }))
    a.push(frame(1, 'kept'))
    a.push(frame(1, 'zz', { rsv1: true }))
    await a.end()
    expect(messages.map(utf8)).toEqual(['kept'])
    expect(errors).toEqual([
      'client: continuation frame outside a message',
      'client: new message before the previous one finished; dropped it',
      'client: compressed (rsv1) message without negotiated permessage-deflate',
    ])
  })

  test('a message over the bound is dropped, counting every fragment', async () => {
    const { a, messages, errors } = assembler({ max: 10 })
    a.push(frame(1, '123456', { fin: false }))
    a.push(frame(0, '789012'))
    a.push(frame(2, 'x', { oversized: true, payload: new Uint8Array(0), length: 99 }))
    a.push(frame(1, 'small'))
    await a.end()
    expect(messages.map(utf8)).toEqual(['small'])
    expect(errors).toEqual([
      'server: message over 10 bytes skipped',
      'server: message over 10 bytes skipped',
    ])
  })
})

describe('permessage-deflate', () => {
  test('context takeover: later messages reference earlier ones', async () => {
    const d = deflater()
    const texts = [longText(1), longText(1), longText(2)]
    const wire: Uint8Array[] = []
    for (const t of texts) wire.push(await d.compress(t))
    // the repeat is a few back-references into the first message's window
    expect(wire[1]!.length).toBeLessThan(wire[0]!.length / 4)
    expect(() =>
      zlib.inflateRawSync(Buffer.concat([wire[1]!, Buffer.from([0, 0, 255, 255])])),
    ).toThrow()

    const { a, messages, errors } = assembler({ deflate: pmd })
    for (const w of wire) a.push(frame(1, w, { rsv1: true }))
    await a.end()
    expect(errors).toEqual([])
    expect(messages.map(utf8)).toEqual(texts)
  })

  test('a compressed message split into fragments (rsv1 on the first only), ping between', async () => {
    const wire = await deflater().compress(longText(7))
    const { a, messages } = assembler({ deflate: pmd, direction: 'client' })
    a.push(frame(1, wire.subarray(0, 10), { rsv1: true, fin: false }))
    a.push(frame(9, ''))
    a.push(frame(0, wire.subarray(10, 11), { fin: false }))
    a.push(frame(0, wire.subarray(11)))
    await a.end()
    expect(messages.map((m) => [m.direction, utf8(m)])).toEqual([['client', longText(7)]])
  })

  test('no context takeover: each message stands alone', async () => {
    const deflate = parseDeflateExtension('permessage-deflate; server_no_context_takeover')!
    const d = deflater(true)
    const { a, messages, errors } = assembler({ deflate })
    const texts = [longText(1), longText(1), 'short']
    for (const t of texts) a.push(frame(1, await d.compress(t), { rsv1: true }))
    await a.end()
    expect(errors).toEqual([])
    expect(messages.map(utf8)).toEqual(texts)
  })

  test('no_context_takeover resets the window per message, for that direction only', async () => {
    const deflate = parseDeflateExtension('permessage-deflate; client_no_context_takeover')!
    const run = async (direction: WsDirection) => {
      // a sender ignoring the agreement: the second message points into the first's window
      const d = deflater()
      const { a, messages, errors } = assembler({ deflate, direction })
      a.push(frame(1, await d.compress(longText(3)), { rsv1: true }))
      a.push(frame(1, await d.compress(longText(3)), { rsv1: true }))
      await a.end()
      return { count: messages.length, errors }
    }
    const client = await run('client')
    expect(client.count).toBe(1)
    expect(client.errors[0]).toStartWith('client: inflate: ')
    expect(await run('server')).toEqual({ count: 2, errors: [] })
  })

  test('messages ending in a BFINAL block, and corrupt ones, restart the inflater', async () => {
    const { a, messages, errors } = assembler({ deflate: pmd })
    a.push(frame(1, zlib.deflateRawSync('first, final block'), { rsv1: true }))
    a.push(frame(1, new Uint8Array([0xff, 0xff, 0xff]), { rsv1: true }))
    a.push(frame(1, zlib.deflateRawSync('second, final block'), { rsv1: true }))
    await a.end()
    expect(messages.map(utf8)).toEqual(['first, final block', 'second, final block'])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toStartWith('server: inflate: ')
  })

  test('large messages spanning many inflate output chunks come out whole', async () => {
    const d = deflater()
    const texts = [0, 1, 2].map((n) =>
      Array.from({ length: 3000 }, (_, i) => `${n}:${(i * 7919) % 10007}`).join(','),
    )
    const { a, messages, errors } = assembler({ deflate: pmd })
    for (const t of texts) a.push(frame(1, await d.compress(t), { rsv1: true }))
    await a.end()
    expect(errors).toEqual([])
    expect(messages.map(utf8)).toEqual(texts)
  })

  test('order holds when plain messages follow ones still inflating', async () => {
    const d = deflater()
    const { a, messages } = assembler({ deflate: pmd })
    a.push(frame(1, await d.compress('one'), { rsv1: true }))
    a.push(frame(1, 'two'))
    a.push(frame(1, await d.compress('three'), { rsv1: true }))
    a.push(frame(2, 'four'))
    await a.end()
    expect(messages.map(utf8)).toEqual(['one', 'two', 'three', 'four'])
  })

  test('inflating past the bound stops there; later messages that point into the lost window are reported, the rest delivered', async () => {
    const d = deflater()
    const huge = 'a'.repeat(100_000)
    const { a, messages, errors } = assembler({ deflate: pmd, max: 50_000 })
    a.push(frame(1, await d.compress(huge), { rsv1: true }))
    a.push(frame(1, await d.compress(`${huge.slice(0, 30_000)}!`), { rsv1: true }))
    a.push(frame(1, 'plain'))
    a.push(frame(1, await d.compress('{"fresh":"Z9Y8X7W6V5U4T3S2R1Q0"}'), { rsv1: true }))
    await a.end()
    expect(errors).toEqual([
      'server: inflated message exceeds 50000 bytes; inflation stopped, window reset',
      'server: inflate: invalid distance too far back',
    ])
    expect(messages.map(utf8)).toEqual(['plain', '{"fresh":"Z9Y8X7W6V5U4T3S2R1Q0"}'])
  })
})
