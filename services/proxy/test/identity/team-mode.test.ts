// Team mode through the real proxy: PROXY_USERS gates CONNECT and absolute-form requests (407 +
// Proxy-Authenticate for missing or wrong credentials, logged and counted, never the token), lets
// the right ones through with USER / USER+PROJECT recorded, and follows edits of the users file.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rmSync, writeFileSync } from 'node:fs'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { waitFor } from '../storage/helpers.ts'
import {
  basicAuth,
  type PlainUpstream,
  rawRequest,
  startPlainUpstream,
  type UsersFile,
  usersFile,
} from './helpers.ts'

const ALICE = 'tt_alice_6c0b1f5e2d9a48e7b3c1f0a9d8e7c6b5'
const BOB = 'tt_bob_0f1e2d3c4b5a69788796a5b4c3d2e1f0'

let mock: MockUpstream
let plain: PlainUpstream
let users: UsersFile
let proxy: Harness
let port: number

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_team',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 5, output_tokens: 1 },
    }),
  )
  plain = startPlainUpstream()
  users = usersFile()
  users.write({ alice: ALICE })
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      PROXY_USERS: users.path,
      // Absolute-form http://api.anthropic.com/… goes to the plain upstream.
      TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port},api.anthropic.com:80=127.0.0.1:${plain.port}`,
    },
  })
  port = proxy.app.address.port
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await plain.stop()
  rmSync(users.dir, { recursive: true, force: true })
}, 30_000)

const connectHead = (auth?: string): string[] => [
  'CONNECT api.anthropic.com:443 HTTP/1.1',
  'Host: api.anthropic.com:443',
  ...(auth ? [`Proxy-Authorization: ${auth}`] : []),
]

/** curl through the proxy to the TLS mock; returns curl's exit code and the CONNECT status. */
async function viaConnect(proxyUser?: string) {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    ...(proxyUser ? ['--proxy-user', proxyUser] : []),
    '--cacert',
    proxy.caPath,
    '-w',
    '%{http_connect}',
    '-o',
    '/dev/null',
    '-d',
    '{"model":"claude-haiku-4-5"}',
    'https://api.anthropic.com/v1/messages',
  ])
  return { code: r.code, connect: r.stdout.toString() }
}

/** curl sends http:// URLs to a proxy in absolute form. */
async function viaAbsoluteForm(proxyUser?: string) {
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    ...(proxyUser ? ['--proxy-user', proxyUser] : []),
    '-H',
    'x-tokentap-session: plain-1',
    '-D',
    '-',
    '-o',
    '/dev/null',
    '-d',
    '{"model":"claude-haiku-4-5"}',
    'http://api.anthropic.com/v1/messages',
  ])
  return { code: r.code, head: r.stdout.toString() }
}

describe('team mode (PROXY_USERS)', () => {
  test('CONNECT without or with wrong credentials: 407 with the Basic realm', async () => {
    for (const auth of [undefined, basicAuth('alice', 'wrong'), basicAuth('mallory', ALICE)]) {
      const res = await rawRequest(port, connectHead(auth))
      expect(res).toStartWith('HTTP/1.1 407 Proxy Authentication Required\r\n')
      expect(res.toLowerCase()).toContain('\r\nproxy-authenticate: basic realm="tokentap"\r\n')
    }
    const before = mock.seen.length
    expect(await viaConnect()).toMatchObject({ connect: '407' })
    expect(await viaConnect(`alice:${BOB}`)).toMatchObject({ connect: '407' })
    expect(mock.seen.length).toBe(before)
  }, 30_000)

  test('CONNECT with the right token: recorded as USER, USER+PROJECT sets the project', async () => {
    const n = proxy.sink.records.length
    expect(await viaConnect(`alice:${ALICE}`)).toEqual({ code: 0, connect: '200' })
    expect(await viaConnect(`alice+billing-bot:${ALICE}`)).toEqual({ code: 0, connect: '200' })
    const records = (await proxy.sink.waitFor(n + 2)).slice(n)
    expect(records.map((r) => [r.user, r.project])).toEqual([
      ['alice', null],
      ['alice', 'billing-bot'],
    ])
    // The tunnel's requests never carry the proxy's credentials upstream.
    expect(mock.seen.at(-1)?.headers.get('proxy-authorization')).toBeNull()
  }, 30_000)

  test('a CONNECT to a host that is not intercepted (blind tunnel) is gated too', async () => {
    const res = await rawRequest(port, ['CONNECT example.org:443 HTTP/1.1', 'Host: example.org'])
    expect(res).toStartWith('HTTP/1.1 407 ')
  }, 30_000)

  test('absolute-form http://: 407 without credentials; with them, forwarded and recorded', async () => {
    const before = plain.seen.length
    const denied = await viaAbsoluteForm()
    expect(denied.head).toStartWith('HTTP/1.1 407 ')
    expect(denied.head.toLowerCase()).toContain('proxy-authenticate: basic realm="tokentap"')
    expect((await viaAbsoluteForm(`alice:nope`)).head).toStartWith('HTTP/1.1 407 ')
    expect(plain.seen.length).toBe(before)

    const n = proxy.sink.records.length
    const ok = await viaAbsoluteForm(`alice+docs:${ALICE}`)
    expect(ok.head).toStartWith('HTTP/1.1 200 ')
    const rec = await proxy.sink.recordAfter(n)
    expect(rec).toMatchObject({
      user: 'alice',
      project: 'docs',
      session: 'plain-1',
      inputTokens: 4,
      responseId: 'msg_plain',
    })
    const seen = plain.seen.at(-1)!
    expect(seen.headers.get('proxy-authorization')).toBeNull()
    expect(seen.headers.get('x-tokentap-session')).toBeNull()
  }, 30_000)

  test('refusals are logged (user, client address, never the token) and counted', async () => {
    await rawRequest(port, connectHead(basicAuth('alice', 'not-the-token-xyz')))
    const line = proxy.logs.findLast((l) => l.includes('407 CONNECT'))
    expect(line).toContain('from 127.0.0.1: user "alice" wrong token')
    expect(proxy.logs.join('')).not.toContain('not-the-token-xyz')
    expect(proxy.logs.join('')).not.toContain(ALICE)
    const metrics = await fetch(`${proxy.proxyUrl}/metrics`).then((r) => r.text())
    expect(metrics).toMatch(/tokentap_proxy_auth_failures_total\{reason="wrong_token"\} [1-9]/)
    expect(metrics).toMatch(/tokentap_proxy_auth_failures_total\{reason="missing"\} [1-9]/)
    expect(metrics).toMatch(/tokentap_proxy_auth_failures_total\{reason="unknown_user"\} [1-9]/)
  }, 30_000)

  test('/health stays open (health checks carry no credentials)', async () => {
    const res = await fetch(`${proxy.proxyUrl}/health`)
    expect(res.status).toBe(200)
  })

  test('the users file is reloaded on change; a broken edit keeps the last good list', async () => {
    const connectStatus = async (auth: string): Promise<string> =>
      (await rawRequest(port, connectHead(auth))).split('\r\n')[0]!
    expect(await connectStatus(basicAuth('bob', BOB))).toStartWith('HTTP/1.1 407')

    users.write({ alice: ALICE, bob: BOB })
    await waitFor('bob accepted', async () =>
      (await connectStatus(basicAuth('bob', BOB))).startsWith('HTTP/1.1 200'),
    )

    writeFileSync(users.path, '{"users": [{"name": "bob", "tokenSha256": "zz"}]}')
    await waitFor('reload error logged', () =>
      proxy.logs.some((l) => l.includes('PROXY_USERS not reloaded, keeping the last good list')),
    )
    expect(await connectStatus(basicAuth('alice', ALICE))).toStartWith('HTTP/1.1 200')
    expect(await connectStatus(basicAuth('bob', BOB))).toStartWith('HTTP/1.1 200')

    users.write({ bob: BOB })
    await waitFor('alice removed', async () =>
      (await connectStatus(basicAuth('alice', ALICE))).startsWith('HTTP/1.1 407'),
    )
    expect(proxy.logs.some((l) => l.includes('PROXY_USERS reloaded: 1 users'))).toBe(true)
  }, 30_000)
})
