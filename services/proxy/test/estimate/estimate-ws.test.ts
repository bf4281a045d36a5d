// Estimates over WebSocket: a Responses conversation (Codex's transport) whose socket closes
// before `response.completed` is recorded `estimated`, counted from its own `response.create`
// and the deltas it streamed. The mock echoes binary messages verbatim, so the client plays both
// sides: what it sends comes back as the server's events.

import { afterAll, beforeAll, expect, test } from 'bun:test'
import { randomBytes } from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import { extractRequestText } from '../../src/estimate/request-text.ts'
import { countTokens, encodingForModel } from '../../src/estimate/tokens.ts'
import { openaiResponsesDialect } from '../../src/providers/openai/index.ts'
import { createFrameReader } from '../../src/ws/frames.ts'
import { encodeFrame, MASK } from '../../src/ws/testing/frames.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness

beforeAll(async () => {
  mock = await startMockUpstream()
  // The echo path is not a Responses path: use the Responses dialect for every exchange.
  const dialect = openaiResponsesDialect('openai')
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    dialectFor: () => dialect,
  })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
})

/** A WebSocket through the proxy to the mock's echo; resolves once the 101 head arrived. */
async function openWs(host: string) {
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
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  const reader = createFrameReader()
  let head = Buffer.alloc(0)
  let headSeen = false
  let echoed = 0
  const waiters: (() => void)[] = []
  await new Promise<void>((resolve) => {
    socket.on('data', (d: Buffer) => {
      let chunk: Buffer = d
      if (!headSeen) {
        head = Buffer.concat([head, d])
        const end = head.indexOf('\r\n\r\n')
        if (end < 0) return
        headSeen = true
        chunk = head.subarray(end + 4)
        resolve()
      }
      echoed += reader.push(new Uint8Array(chunk)).length
      for (const w of waiters.splice(0)) w()
    })
  })
  return {
    send: (o: unknown) =>
      socket.write(encodeFrame({ opcode: 2, payload: JSON.stringify(o), mask: MASK })),
    /** Waits until `n` messages came back. */
    async echoes(n: number) {
      while (echoed < n) await new Promise<void>((r) => waiters.push(r))
    },
    close: () => socket.destroy(),
  }
}

test('a Responses socket closed before response.completed: estimated per response', async () => {
  const before = proxy.sink.records.length
  const ws = await openWs('chatgpt.com')
  const create = {
    type: 'response.create',
    model: 'gpt-5-codex',
    instructions: 'You are Codex.',
    input: [
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Fix it ☕' }] },
    ],
  }
  const deltas = ['Je corrige', ' la boucle', ' — 日本語 ✅']
  const events = [
    create,
    { type: 'response.created', response: { id: 'resp_ws1', model: 'gpt-5-codex' } },
    ...deltas.map((delta) => ({ type: 'response.output_text.delta', item_id: 'm', delta })),
  ]
  for (const e of events) ws.send(e)
  await ws.echoes(events.length)
  ws.close()
  const rec = await proxy.sink.recordAfter(before)
  const enc = encodingForModel('gpt-5-codex')
  expect(rec).toMatchObject({
    transport: 'websocket',
    responseId: 'resp_ws1',
    model: 'gpt-5-codex',
    usageSource: 'estimated',
    inputTokens: countTokens(extractRequestText(JSON.stringify(create)), enc),
    outputTokens: countTokens(deltas.join(''), enc),
  })
  expect(rec.inputTokens).toBeGreaterThan(3)
  expect(proxy.sink.records).toHaveLength(before + 1)
}, 60_000)
