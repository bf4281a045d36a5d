// The clients' own session and sub-agent headers through the real proxy, on raw bytes: they are
// recorded (session, agent, agentType), X-Tokentap-Session wins over the client's session, and
// the upstream receives the client's header lines byte for byte (name case, value, order)
// while our X-Tokentap-* tags never leave the proxy.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type RawUpstream, startRawUpstream, tunnel } from '../framing/wire.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'

const BODY = JSON.stringify({
  id: 'msg_ids',
  type: 'message',
  model: 'claude-haiku-4-5',
  usage: { input_tokens: 11, output_tokens: 3 },
})
const ANSWER = `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`

let upstream: RawUpstream
let proxy: Harness

beforeAll(async () => {
  upstream = await startRawUpstream({ answer: () => ANSWER })
  proxy = await startProxy({ upstreamPort: upstream.port, upstreamCaPath: upstream.caPath })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
})

/** Sends one POST with `lines` (header lines, no CRLF) on a fresh tunnel; the record and the
 *  head the upstream received. */
async function send(lines: string[], host = 'api.anthropic.com') {
  const n = proxy.sink.records.length
  const seen = upstream.requests.length
  const body = '{"model":"claude-haiku-4-5","max_tokens":5}'
  const c = await tunnel(proxy.app.address.port, proxy.app.caCertPem, { host })
  c.send(
    `POST /v1/messages HTTP/1.1\r\nHost: ${host}\r\n${lines.map((l) => `${l}\r\n`).join('')}` +
      `Content-Length: ${body.length}\r\n\r\n${body}`,
  )
  const r = await c.responses(1)
  c.destroy()
  expect(r.statuses).toEqual([200])
  const record = await proxy.sink.recordAfter(n)
  expect(upstream.requests.length).toBe(seen + 1)
  return { record, head: upstream.requests.at(-1)!.head }
}

const CLAUDE_SUBAGENT = [
  'X-Claude-Code-Session-Id: 7f713c82-2434-4741-a166-4f587a5a8096',
  'x-claude-code-agent-id: a0aaff6c392cc486a',
  'x-claude-code-agent-type: general-purpose',
  'x-claude-code-request-class: subagent',
]

describe("clients' session and sub-agent headers", () => {
  test('Claude Code sub-agent: recorded, and every client line reaches the upstream unchanged', async () => {
    const { record, head } = await send(CLAUDE_SUBAGENT)
    expect(record).toMatchObject({
      session: '7f713c82-2434-4741-a166-4f587a5a8096',
      agent: 'a0aaff6c392cc486a',
      agentType: 'general-purpose',
      inputTokens: 11,
      billable: true,
    })
    // Byte for byte, in the client's order.
    expect(head).toContain(`\r\n${CLAUDE_SUBAGENT.join('\r\n')}\r\n`)
  }, 30_000)

  test('X-Tokentap-Session wins over the client session; the tag is stripped, theirs is not', async () => {
    const { record, head } = await send([
      'X-Tokentap-Session: refactor-42',
      'X-Claude-Code-Session-Id: 7f713c82-2434-4741-a166-4f587a5a8096',
    ])
    expect(record).toMatchObject({ session: 'refactor-42', agent: null, agentType: null })
    expect(head).toContain('\r\nX-Claude-Code-Session-Id: 7f713c82-2434-4741-a166-4f587a5a8096\r\n')
    expect(head.toLowerCase()).not.toContain('x-tokentap-')
  }, 30_000)

  test('Codex sub-agent over HTTP: session-id, thread-id and x-openai-subagent', async () => {
    const lines = [
      'session-id: 01a2514e-a7a3-7661-96eb-5ce4a1b5c74c',
      'thread-id: 01a2514e-a880-71d0-9055-08bfa10b233d',
      'x-codex-parent-thread-id: 01a2514e-a7a3-7661-96eb-5ce4a1b5c74c',
      'x-openai-subagent: collab_spawn',
    ]
    const { record, head } = await send(lines)
    expect(record).toMatchObject({
      session: '01a2514e-a7a3-7661-96eb-5ce4a1b5c74c',
      agent: '01a2514e-a880-71d0-9055-08bfa10b233d',
      agentType: 'collab_spawn',
    })
    expect(head).toContain(`\r\n${lines.join('\r\n')}\r\n`)
  }, 30_000)

  test('a bad id is not recorded, is logged without its value, and still goes upstream as sent', async () => {
    const bad = 'x-claude-code-session-id: sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx'
    const { record, head } = await send([bad, 'x-claude-code-agent-id: two words'])
    expect(record).toMatchObject({ session: null, agent: null, agentType: null })
    expect(
      proxy.logs.some((l) => l.includes('x-claude-code-session-id: looks like a credential')),
    ).toBe(true)
    expect(proxy.logs.some((l) => l.includes('x-claude-code-agent-id: not an id'))).toBe(true)
    expect(proxy.logs.join('\n')).not.toContain('AbCdEfGhIjKlMnOpQrStUvWx')
    // Not ours to change: the request is the client's.
    expect(head).toContain(`\r\n${bad}\r\n`)
  }, 30_000)
})
