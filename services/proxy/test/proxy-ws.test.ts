// WebSockets through the MITM: relayed frame by frame both ways, with and without
// permessage-deflate, and a copy of every message (inflated) reaches the dialect's parser.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import { constants, inflateRawSync } from 'node:zlib'
import type { ParsedUsage, ProviderDialect, WsMessage } from '@tokentap/shared'
import { noneDialect } from '../src/providers/none.ts'
import { createFrameReader, type Frame } from '../src/ws/frames.ts'
import { createDeflater, encodeFrame, MASK } from '../src/ws/testing/frames.ts'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { type Harness, startProxy } from './helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness
const tapped: WsMessage[] = []

/** A dialect whose WebSocket parser records every message and yields a usage per "done" reply. */
const wsDialect: ProviderDialect = {
  ...noneDialect('openai'),
  createWsParser: () => {
    let n = 0
    return {
      onMessage(m): ParsedUsage[] {
        tapped.push(m)
        const text = new TextDecoder().decode(m.data)
        if (m.direction !== 'server' || !text.startsWith('echo:done')) return []
        n++
        return [
          {
            provider: 'openai',
            usageSource: 'provider',
            billable: true,
            responseId: `resp_${n}`,
            inputTokens: 10 * n,
            outputTokens: n,
          },
        ]
      },
      end: () => [],
    }
  },
}

beforeAll(async () => {
  mock = await startMockUpstream()
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    dialectFor: () => wsDialect,
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

interface WsClient {
  responseHead: string
  send(frame: Uint8Array): void
  next(): Promise<Frame>
  close(): void
}

async function openWs(host: string, extensions: string | null): Promise<WsClient> {
  const raw = net.connect(proxy.app.address.port, '127.0.0.1')
  await new Promise<void>((r) => raw.once('connect', () => r()))
  raw.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`)
  await new Promise<void>((r) => raw.once('data', () => r()))
  const socket = tls.connect({
    socket: raw,
    servername: host,
    ca: await Bun.file(proxy.caPath).text(),
  })
  await new Promise<void>((r) => socket.once('secureConnect', () => r()))
  socket.write(
    `GET /ws-echo HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n` +
      (extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '') +
      '\r\n',
  )
  const reader = createFrameReader()
  const frames: Frame[] = []
  const waiters: ((f: Frame) => void)[] = []
  let head = Buffer.alloc(0)
  let responseHead = ''
  const headDone = new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      let chunk: Buffer = d
      if (!responseHead) {
        head = Buffer.concat([head, d])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        responseHead = head.subarray(0, end).toString('latin1')
        chunk = head.subarray(end + 4)
        resolve()
      }
      for (const f of reader.push(new Uint8Array(chunk))) {
        const copy = { ...f, payload: new Uint8Array(f.payload) }
        const w = waiters.shift()
        if (w) w(copy)
        else frames.push(copy)
      }
    })
  })
  await headDone
  return {
    responseHead,
    send: (frame) => socket.write(frame),
    next: () => {
      const f = frames.shift()
      return f ? Promise.resolve(f) : new Promise((r) => waiters.push(r))
    },
    close: () => socket.destroy(),
  }
}

/** Polls until `cond` holds (or 5 s pass): tapped copies are inflated off the data path. */
async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !cond(); i++) await Bun.sleep(10)
}

const text = (f: Frame): string =>
  new TextDecoder().decode(
    f.rsv1
      ? inflateRawSync(Buffer.concat([f.payload, Buffer.from([0, 0, 0xff, 0xff])]), {
          finishFlush: constants.Z_SYNC_FLUSH,
        })
      : f.payload,
  )

describe('WebSocket relay', () => {
  test('without compression: echo works and each reply yields a websocket record', async () => {
    tapped.length = 0
    const before = proxy.sink.records.length
    const ws = await openWs('api.openai.com', null)
    expect(ws.responseHead).toStartWith('HTTP/1.1 101')
    ws.send(encodeFrame({ opcode: 1, payload: 'hello', mask: MASK }))
    expect(text(await ws.next())).toBe('echo:hello')
    ws.send(encodeFrame({ opcode: 1, payload: 'done-1', mask: MASK }))
    expect(text(await ws.next())).toBe('echo:done-1')
    ws.send(encodeFrame({ opcode: 1, payload: 'done-2', mask: MASK }))
    expect(text(await ws.next())).toBe('echo:done-2')
    const recs = (await proxy.sink.waitFor(before + 2)).slice(before)
    expect(recs.map((r) => [r.transport, r.status, r.responseId, r.inputTokens])).toEqual([
      ['websocket', 101, 'resp_1', 10],
      ['websocket', 101, 'resp_2', 20],
    ])
    ws.close()
    await until(() => tapped.length >= 6)
    await Bun.sleep(50)
    // Records came from the replies; closing adds no empty record.
    expect(proxy.sink.records.length).toBe(before + 2)
    expect(tapped.map((m) => `${m.direction}:${new TextDecoder().decode(m.data)}`)).toEqual([
      'client:hello',
      'server:echo:hello',
      'client:done-1',
      'server:echo:done-1',
      'client:done-2',
      'server:echo:done-2',
    ])
  })

  test('permessage-deflate: compressed frames are relayed as is and tapped inflated', async () => {
    tapped.length = 0
    const ws = await openWs('api.openai.com', 'permessage-deflate; client_max_window_bits')
    expect(ws.responseHead.toLowerCase()).toContain('sec-websocket-extensions: permessage-deflate')
    // Bun's server negotiates client_no_context_takeover: each message is compressed afresh.
    expect(ws.responseHead).toContain('client_no_context_takeover')
    const deflater = createDeflater(true)
    const long = `hello ${'compressible '.repeat(100)}`
    for (const msg of [long, long]) {
      ws.send(
        encodeFrame({ opcode: 1, rsv1: true, payload: await deflater.compress(msg), mask: MASK }),
      )
      const reply = await ws.next()
      expect(reply.rsv1).toBe(true)
      expect(text(reply)).toBe(`echo:${msg}`)
    }
    deflater.close()
    ws.close()
    await until(() => tapped.length >= 4)
    const seen = tapped.map((m) => `${m.direction}:${new TextDecoder().decode(m.data)}`)
    expect(seen).toEqual([
      `client:${long}`,
      `server:echo:${long}`,
      `client:${long}`,
      `server:echo:${long}`,
    ])
  })

  test('a message the tap skips (a deflate bomb past the bound) leaves its note on the next record of the socket', async () => {
    const before = proxy.sink.records.length
    const ws = await openWs(
      'api.openai.com',
      'permessage-deflate; client_max_window_bits; server_no_context_takeover',
    )
    expect(ws.responseHead).toContain('server_no_context_takeover')
    const deflater = createDeflater(true)
    // 17 MiB of zeros, ~17 KB on the wire: the upstream takes it, the tap stops at 16 MiB.
    const bomb = await deflater.compress(new Uint8Array(17 << 20))
    ws.send(encodeFrame({ opcode: 2, rsv1: true, payload: bomb, mask: MASK }))
    expect((await ws.next()).rsv1).toBe(true) // the echo: skipped by the tap too
    const done = await deflater.compress('done-1')
    ws.send(encodeFrame({ opcode: 1, rsv1: true, payload: done, mask: MASK }))
    expect(text(await ws.next())).toBe('echo:done-1')
    // (An earlier test's socket may still add its own record meanwhile.)
    const ours = () => proxy.sink.records.slice(before).find((r) => r.usageSource === 'provider')
    await until(() => ours() !== undefined)
    ws.close()
    deflater.close()
    const rec = ours()
    expect(rec).toMatchObject({ transport: 'websocket', responseId: 'resp_1' })
    expect(rec?.parseError).toBe(
      'client: inflated message exceeds 16777216 bytes; inflation stopped, window reset (and 1 more)',
    )
  })

  test('a socket that carried no usage still yields one record when it closes', async () => {
    const before = proxy.sink.records.length
    const ws = await openWs('api.openai.com', null)
    ws.send(encodeFrame({ opcode: 1, payload: 'ping', mask: MASK }))
    await ws.next()
    ws.close()
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      transport: 'websocket',
      status: 101,
      usageSource: 'none',
      path: '/ws-echo',
    })
  })
})
