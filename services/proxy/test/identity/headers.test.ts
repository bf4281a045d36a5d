// Attribution headers through the real proxy (local mode): X-Tokentap-Project overrides the
// project, X-Tokentap-Session tags the record, both in any case; bad values are ignored and
// logged; the upstream never sees an X-Tokentap-* or Proxy-* header.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_hdr',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 9, output_tokens: 2 },
    }),
  )
  proxy = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
}, 30_000)

async function send(headers: string[], proxyUser = 'carol+from-creds:anything') {
  const n = proxy.sink.records.length
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--proxy-user',
    proxyUser,
    '--cacert',
    proxy.caPath,
    ...headers.flatMap((h) => ['-H', h]),
    '-d',
    '{"model":"claude-haiku-4-5"}',
    'https://api.anthropic.com/v1/messages',
  ])
  expect(r.code).toBe(0)
  return { record: await proxy.sink.recordAfter(n), seen: mock.seen.at(-1)! }
}

describe('attribution headers', () => {
  test('local mode takes any USER; without headers the credentials decide', async () => {
    const { record } = await send([])
    expect(record).toMatchObject({ user: 'carol', project: 'from-creds', session: null })
  }, 30_000)

  test('X-Tokentap-Project overrides, X-Tokentap-Session tags; neither goes upstream', async () => {
    const { record, seen } = await send([
      'X-TOKENTAP-PROJECT: billing-bot',
      'x-tokentap-session: 2f6d0c1e-run-7',
      'X-Tokentap-Anything: else',
    ])
    expect(record).toMatchObject({
      user: 'carol',
      project: 'billing-bot',
      session: '2f6d0c1e-run-7',
      inputTokens: 9,
      billable: true,
    })
    const upstreamHeaders = [...seen.headers.keys()]
    expect(upstreamHeaders.filter((h) => h.startsWith('x-tokentap-'))).toEqual([])
    expect(upstreamHeaders.filter((h) => h.startsWith('proxy-'))).toEqual([])
  }, 30_000)

  test('bad values are ignored and noted, never a crash; the credentials still apply', async () => {
    const long = 's'.repeat(200)
    const { record } = await send([`x-tokentap-session: ${long}`, 'x-tokentap-project: caf\xe9'])
    expect(record).toMatchObject({ project: 'from-creds', session: null })
    expect(proxy.logs.some((l) => l.includes('x-tokentap-session: 200 characters (max 128)'))).toBe(
      true,
    )
    expect(proxy.logs.some((l) => l.includes('x-tokentap-project: not printable ASCII'))).toBe(true)
    expect(proxy.logs.join('')).not.toContain(long)
    // The proxy still serves.
    expect((await send([])).record.user).toBe('carol')
  }, 30_000)
})
