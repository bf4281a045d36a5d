import { afterAll, describe, expect, test } from 'bun:test'
import * as net from 'node:net'
import type { WsMessage } from '@tokentap/shared'
import { createWsTap, type WsTap } from './conversation.ts'
import { parseDeflateExtension } from './extensions.ts'
import { createFrameReader } from './frames.ts'
import { concat, createDeflater, encodeFrame, MASK } from './testing/frames.ts'

const enc = new TextEncoder()
const dec = new TextDecoder()
const show = (m: WsMessage) =>
  `${m.direction}/${m.opcode}:${m.opcode === 1 ? dec.decode(m.data) : Buffer.from(m.data).toString('base64')}`

describe('tap', () => {
  test('a reply is never delivered before the compressed request it answers', async () => {
    const deflate = parseDeflateExtension('permessage-deflate')!
    const cd = createDeflater()
    // Large and incompressible-ish, so inflating it takes a while (Codex's is ~68 KB).
    const ask = JSON.stringify({
      type: 'response.create',
      input: Array.from({ length: 4000 }, (_, i) => `${i}:${(i * 7919) % 104729}`).join(' '),
    })
    const compressed = await cd.compress(ask)
    cd.close()
    const got: string[] = []
    const tap = createWsTap({ deflate, onMessage: (m) => got.push(m.direction) })
    tap.client(encodeFrame({ opcode: 1, payload: compressed, rsv1: true, mask: MASK }))
    tap.server(encodeFrame({ opcode: 1, payload: '{"type":"response.created"}' }))
    tap.server(encodeFrame({ opcode: 1, payload: '{"type":"response.completed"}' }))
    await tap.end()
    expect(got).toEqual(['client', 'server', 'server'])
  })

  test('both directions, compressed with context takeover, split at every byte', async () => {
    const deflate = parseDeflateExtension('permessage-deflate; client_max_window_bits=15')!
    const cd = createDeflater()
    const sd = createDeflater()
    const ask = '{"type":"response.create","response":{"instructions":"say hi"}}'
    const c1 = await cd.compress(ask)
    const c2 = await cd.compress(ask)
    const s1 = await sd.compress('{"type":"response.done","usage":{"input_tokens":12}}')
    const s2 = await sd.compress('{"type":"response.done","usage":{"input_tokens":13}}')
    cd.close()
    sd.close()
    const client = concat([
      encodeFrame({ opcode: 1, payload: c1.subarray(0, 5), rsv1: true, fin: false, mask: MASK }),
      encodeFrame({ opcode: 9, payload: 'are you there', mask: MASK }),
      encodeFrame({ opcode: 0, payload: c1.subarray(5), mask: MASK }),
      encodeFrame({ opcode: 1, payload: c2, rsv1: true, mask: MASK }),
      encodeFrame({ opcode: 8, payload: new Uint8Array([3, 232]), mask: MASK }),
    ])
    const server = concat([
      encodeFrame({ opcode: 1, payload: s1, rsv1: true }),
      encodeFrame({ opcode: 10, payload: 'yes' }),
      encodeFrame({ opcode: 1, payload: s2, rsv1: true }),
      encodeFrame({ opcode: 2, payload: new Uint8Array(300).fill(7) }),
    ])
    const want = [
      `client/1:${ask}`,
      `client/1:${ask}`,
      'server/1:{"type":"response.done","usage":{"input_tokens":12}}',
      'server/1:{"type":"response.done","usage":{"input_tokens":13}}',
      `server/2:${Buffer.alloc(300, 7).toString('base64')}`,
    ]
    for (let k = 0; k <= Math.max(client.length, server.length); k++) {
      const got: WsMessage[] = []
      const errors: string[] = []
      const tap = createWsTap({
        deflate,
        onMessage: (m) => got.push(m),
        onError: (e) => errors.push(e),
      })
      tap.client(client.subarray(0, k))
      tap.server(server.subarray(0, k))
      tap.client(client.subarray(k))
      tap.server(server.subarray(k))
      await tap.end()
      expect(errors).toEqual([])
      expect(got.map(show).sort()).toEqual(want)
    }
  })

  test('a deflate bomb is skipped for the parser with one error; the other messages on the socket still reach it', async () => {
    const deflate = parseDeflateExtension('permessage-deflate; client_no_context_takeover')!
    const cd = createDeflater(true)
    const bomb = await cd.compress(new Uint8Array(8 * 1024 * 1024)) // ~8 KB on the wire
    const ask = await cd.compress('{"type":"response.create"}')
    cd.close()
    const got: string[] = []
    const errors: string[] = []
    const tap = createWsTap({
      deflate,
      maxMessageBytes: 256 * 1024,
      onMessage: (m) => got.push(show(m)),
      onError: (e) => errors.push(e),
    })
    tap.client(encodeFrame({ opcode: 1, payload: bomb, rsv1: true, mask: MASK }))
    tap.server(encodeFrame({ opcode: 1, payload: '{"type":"error"}' }))
    tap.client(encodeFrame({ opcode: 1, payload: ask, rsv1: true, mask: MASK }))
    tap.server(encodeFrame({ opcode: 1, payload: '{"type":"response.done"}' }))
    await tap.end()
    expect(errors).toEqual([
      `client: inflated message exceeds ${256 * 1024} bytes; inflation stopped, window reset`,
    ])
    expect(got).toEqual([
      'server/1:{"type":"error"}',
      'client/1:{"type":"response.create"}',
      'server/1:{"type":"response.done"}',
    ])
  })

  test('a protocol error is reported once and stops only that direction', async () => {
    const got: string[] = []
    const errors: string[] = []
    const tap = createWsTap({
      deflate: null,
      onMessage: (m) => got.push(show(m)),
      onError: (e) => errors.push(e),
    })
    tap.client(new Uint8Array([0x83, 0x80, 1, 2, 3, 4]))
    tap.client(encodeFrame({ opcode: 1, payload: 'ignored', mask: MASK }))
    tap.server(encodeFrame({ opcode: 1, payload: 'fine' }))
    await tap.end()
    tap.server(encodeFrame({ opcode: 1, payload: 'after end' }))
    expect(got).toEqual(['server/1:fine'])
    expect(errors).toEqual(['client: reserved opcode 3'])
  })

  test('throwing callbacks are contained', async () => {
    const tap = createWsTap({
      deflate: null,
      onMessage: () => {
        throw new Error('parser bug')
      },
      onError: () => {
        throw new Error('logger bug')
      },
    })
    expect(() => tap.server(encodeFrame({ opcode: 1, payload: 'x' }))).not.toThrow()
    await tap.end()
  })
})

interface RelayResult {
  tapped: WsMessage[]
  errors: string[]
  /** Compressed frames seen, proving permessage-deflate was really used. */
  rsv1Frames: { client: number; server: number }
  /** The 101's Sec-WebSocket-Extensions. */
  extensions: string | undefined
}

describe('interop with Bun.serve and Bun WebSocket through a TCP relay', () => {
  const closers: (() => void)[] = []
  afterAll(() => {
    for (const close of closers) close()
  })

  /** Relays raw bytes, tapping everything after the handshake. */
  function startRelay(target: number) {
    const tapped: WsMessage[] = []
    const errors: string[] = []
    const rsv1Frames = { client: 0, server: 0 }
    let extensions: string | undefined
    let tapDone: Promise<void> = Promise.resolve()
    const relay = net.createServer((down) => {
      const up = net.connect(target, '127.0.0.1')
      let tap: WsTap | null = null
      let requestSeen = false
      let responseHead = Buffer.alloc(0)
      const clientFrames = createFrameReader()
      const serverFrames = createFrameReader()
      const toServer = (c: Uint8Array) => {
        tap?.client(c)
        for (const f of clientFrames.push(c)) if (f.rsv1) rsv1Frames.client++
      }
      const toClient = (c: Uint8Array) => {
        tap?.server(c)
        for (const f of serverFrames.push(c)) if (f.rsv1) rsv1Frames.server++
      }
      down.on('data', (c: Buffer) => {
        up.write(c)
        if (requestSeen) return toServer(c)
        // the client sends nothing after its request until the 101 arrives
        requestSeen = c.includes('\r\n\r\n')
      })
      up.on('data', (c: Buffer) => {
        down.write(c)
        if (tap) return toClient(c)
        responseHead = Buffer.concat([responseHead, c])
        const end = responseHead.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = responseHead.subarray(0, end).toString('latin1')
        extensions = /^sec-websocket-extensions:\s*(.*)$/im.exec(head)?.[1]?.trim()
        tap = createWsTap({
          deflate: parseDeflateExtension(extensions),
          onMessage: (m) => tapped.push(m),
          onError: (e) => errors.push(e),
        })
        const t = tap
        tapDone = new Promise((resolve) => up.on('close', () => t.end().then(resolve)))
        toClient(responseHead.subarray(end + 4))
      })
      down.on('close', () => up.destroy())
      up.on('close', () => down.destroy())
      down.on('error', () => {})
      up.on('error', () => {})
    })
    return new Promise<{ port: number; result: () => Promise<RelayResult> }>((resolve) => {
      relay.listen(0, '127.0.0.1', () => {
        closers.push(() => relay.close())
        resolve({
          port: (relay.address() as net.AddressInfo).port,
          result: async () => {
            await tapDone
            return { tapped, errors, rsv1Frames, extensions }
          },
        })
      })
    })
  }

  const configs = [
    ['shared compressors (no context takeover)', true],
    [
      'dedicated compressors (context takeover)',
      { compress: 'dedicated', decompress: 'dedicated' },
    ],
  ] as const
  for (const [name, perMessageDeflate] of configs) {
    test(name, async () => {
      const sent: string[] = []
      const server = Bun.serve({
        hostname: '127.0.0.1',
        port: 0,
        fetch: (req, srv) =>
          srv.upgrade(req) ? undefined : new Response('upgrade only', { status: 400 }),
        websocket: {
          perMessageDeflate,
          message(ws, msg) {
            const reply =
              typeof msg === 'string' ? `{"echo":${JSON.stringify(msg)},"usage":1}` : msg
            sent.push(
              show({
                direction: 'server',
                opcode: typeof msg === 'string' ? 1 : 2,
                data: typeof reply === 'string' ? enc.encode(reply) : reply,
              }),
            )
            ws.send(reply, true)
          },
        },
      })
      closers.push(() => server.stop(true))
      const relay = await startRelay(server.port!)

      const ws = new WebSocket(`ws://127.0.0.1:${relay.port}/`, { perMessageDeflate: true })
      ws.binaryType = 'arraybuffer'
      const outgoing: (string | Uint8Array)[] = [
        JSON.stringify({ type: 'response.create', text: 'hello '.repeat(200) }),
        JSON.stringify({ type: 'response.create', text: 'hello '.repeat(200) }),
        'tiny',
        Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24),
      ]
      let replies = 0
      await new Promise<void>((resolve, reject) => {
        ws.onerror = () => reject(new Error('websocket error'))
        ws.onopen = () => {
          for (const m of outgoing) {
            sent.push(
              show({
                direction: 'client',
                opcode: typeof m === 'string' ? 1 : 2,
                data: typeof m === 'string' ? enc.encode(m) : m,
              }),
            )
            ws.send(m)
          }
        }
        ws.onmessage = () => {
          if (++replies === outgoing.length) resolve()
        }
      })
      ws.close()
      const r = await relay.result()
      expect(r.extensions).toStartWith('permessage-deflate')
      expect(r.rsv1Frames.client).toBeGreaterThan(0)
      expect(r.rsv1Frames.server).toBeGreaterThan(0)
      expect(r.errors).toEqual([])
      const byDirection = (d: string, list: string[]) => list.filter((s) => s.startsWith(d))
      const tapped = r.tapped.map(show)
      expect(byDirection('client', tapped)).toEqual(byDirection('client', sent))
      expect(byDirection('server', tapped)).toEqual(byDirection('server', sent))
    })
  }
})
