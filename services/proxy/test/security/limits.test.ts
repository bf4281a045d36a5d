// Resource limits: a PROXY_USERS reload closes the connections of removed users and replaced
// tokens (blind tunnels, MITM sessions, upgraded WebSockets); connections are capped per user
// (429) and in total (503), counted in /metrics; silent tunnels and WebSockets are closed after
// PROXY_TUNNEL_IDLE_TIMEOUT_MS.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import net from 'node:net'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { basicAuth, usersFile } from '../identity/helpers.ts'
import { waitFor } from '../storage/helpers.ts'
import {
  type EchoServer,
  echo,
  openMitm,
  type RawConnect,
  rawConnect,
  request,
  startEchoServer,
  wsUpgrade,
} from './helpers.ts'

const TOKENS = {
  alice: 'tt_alice_0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  bob: 'tt_bob_old_1f2e3d4c5b6a79880796a5b4c3d2e1f0',
  bobNew: 'tt_bob_new_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b',
  carol: 'tt_carol_5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d',
}

let mock: MockUpstream
let echoServer: EchoServer

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_l',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 1, output_tokens: 1 },
    }),
  )
  echoServer = await startEchoServer()
}, 60_000)

afterAll(async () => {
  await mock.stop()
  await echoServer.stop()
})

/** What GET /metrics serves (read in-process: a request would itself hold a connection). */
const metricsOf = async (h: Harness): Promise<string> => h.app.metrics.render()

describe('PROXY_USERS reload closes what the removed credentials opened', () => {
  const users = usersFile()
  let proxy: Harness
  let aliceTunnel: RawConnect
  let aliceMitm: Awaited<ReturnType<typeof openMitm>>
  let aliceWs: Awaited<ReturnType<typeof openMitm>>
  let bobTunnel: RawConnect
  let carolTunnel: RawConnect

  beforeAll(async () => {
    users.write({ alice: TOKENS.alice, bob: TOKENS.bob, carol: TOKENS.carol })
    proxy = await startProxy({
      upstreamPort: mock.port,
      upstreamCaPath: mock.caPath,
      env: {
        PROXY_USERS: users.path,
        PROXY_ALLOWED_DESTINATIONS: `127.0.0.1:${echoServer.port}`,
      },
    })
    const port = proxy.app.address.port
    const ca = await Bun.file(proxy.caPath).text()
    const tunnel = async (name: keyof typeof TOKENS, user: string) => {
      const c = await rawConnect(
        port,
        `127.0.0.1:${echoServer.port}`,
        basicAuth(user, TOKENS[name]),
      )
      expect(c.status).toBe(200)
      expect(await echo(c.socket, `hello ${user}`)).toBe(`hello ${user}`)
      return c
    }
    aliceTunnel = await tunnel('alice', 'alice')
    bobTunnel = await tunnel('bob', 'bob')
    carolTunnel = await tunnel('carol', 'carol')
    aliceMitm = await openMitm(port, 'api.anthropic.com', basicAuth('alice', TOKENS.alice), ca)
    const reply = await request(
      aliceMitm.socket,
      'POST /v1/messages HTTP/1.1\r\nHost: api.anthropic.com\r\nContent-Length: 2\r\n\r\n{}',
      'msg_l',
    )
    expect(reply).toStartWith('HTTP/1.1 200')
    aliceWs = await openMitm(port, 'api.openai.com', basicAuth('alice', TOKENS.alice), ca)
    const head = await request(aliceWs.socket, wsUpgrade('api.openai.com'), '\r\n\r\n')
    expect(head).toStartWith('HTTP/1.1 101')
    // alice leaves the team, bob's token is rotated, carol stays as she was.
    users.write({ bob: TOKENS.bobNew, carol: TOKENS.carol })
  }, 30_000)

  afterAll(async () => {
    for (const s of [aliceTunnel, bobTunnel, carolTunnel]) s?.socket.destroy()
    aliceMitm?.socket.destroy()
    aliceWs?.socket.destroy()
    await proxy.stop()
    rmSync(users.dir, { recursive: true, force: true })
  })

  test("a removed user's blind tunnel is closed on reload", async () => {
    await aliceTunnel.closed
  }, 15_000)

  test("a removed user's MITM session is closed on reload", async () => {
    await aliceMitm.closed
  }, 15_000)

  test("a removed user's upgraded WebSocket is closed on reload", async () => {
    await aliceWs.closed
  }, 15_000)

  test('a changed token closes the connections made with the old one; the new token works', async () => {
    await bobTunnel.closed
    const c = await rawConnect(
      proxy.app.address.port,
      `127.0.0.1:${echoServer.port}`,
      basicAuth('bob', TOKENS.bobNew),
    )
    expect(c.status).toBe(200)
    c.socket.destroy()
  }, 15_000)

  test("an unchanged user's connections stay open, and the closing is logged and counted", async () => {
    expect(await echo(carolTunnel.socket, 'still here')).toBe('still here')
    expect(
      proxy.logs.some((l) =>
        l.includes('closed 4 connections whose user or token left PROXY_USERS'),
      ),
    ).toBe(true)
    expect(await metricsOf(proxy)).toContain('tokentap_connections_revoked_total 4')
  })
})

describe('connection limits', () => {
  const users = usersFile()
  let proxy: Harness
  const open: net.Socket[] = []

  beforeAll(async () => {
    users.write({ alice: TOKENS.alice, bob: TOKENS.bob })
    proxy = await startProxy({
      upstreamPort: mock.port,
      upstreamCaPath: mock.caPath,
      env: {
        PROXY_USERS: users.path,
        PROXY_ALLOWED_DESTINATIONS: `127.0.0.1:${echoServer.port}`,
        PROXY_MAX_CONNECTIONS: '4',
        PROXY_MAX_CONNECTIONS_PER_USER: '2',
      },
    })
  }, 30_000)

  afterAll(async () => {
    for (const s of open) s.destroy()
    await proxy.stop()
    rmSync(users.dir, { recursive: true, force: true })
  })

  const tunnel = (user: 'alice' | 'bob') =>
    rawConnect(
      proxy.app.address.port,
      `127.0.0.1:${echoServer.port}`,
      basicAuth(user, TOKENS[user]),
    )

  test('over PROXY_MAX_CONNECTIONS_PER_USER a CONNECT gets 429; other users are not affected', async () => {
    const a1 = await tunnel('alice')
    const a2 = await tunnel('alice')
    open.push(a1.socket, a2.socket)
    expect([a1.status, a2.status]).toEqual([200, 200])
    const a3 = await tunnel('alice')
    expect(a3.status).toBe(429)
    expect(a3.response).toContain('retry-after: 5\r\n')
    expect(a3.response).toContain(
      'user "alice" already has 2 connections open through this proxy (PROXY_MAX_CONNECTIONS_PER_USER)',
    )
    const b1 = await tunnel('bob')
    open.push(b1.socket)
    expect(b1.status).toBe(200)
    // One of alice's closes: she may open another.
    a1.socket.destroy()
    await waitFor('the closed tunnel to leave the count', async () =>
      (await metricsOf(proxy)).includes('tokentap_client_connections{state="tunnel"} 2'),
    )
    const a4 = await tunnel('alice')
    open.push(a4.socket)
    expect(a4.status).toBe(200)
  })

  test('over PROXY_MAX_CONNECTIONS a new connection gets 503 at once, and it is counted', async () => {
    // alice 2 + bob 1 open; one idle connection fills the proxy.
    const idle = net.connect(proxy.app.address.port, '127.0.0.1')
    open.push(idle)
    await new Promise<void>((r) => idle.once('connect', () => r()))
    await waitFor(
      'the idle connection to be counted',
      async () =>
        // the /metrics request itself is the 4th connection while it runs: poll the log instead
        proxy.app.server.openConnections() === 4,
    )
    const over = await rawConnect(proxy.app.address.port, `127.0.0.1:${echoServer.port}`)
    expect(over.status).toBe(503)
    expect(over.response).toContain(
      'the proxy has 4 connections open, its limit (PROXY_MAX_CONNECTIONS)',
    )
    idle.destroy()
    await waitFor('the idle connection to close', () => proxy.app.server.openConnections() === 3)
    const metrics = await metricsOf(proxy)
    expect(metrics).toContain('tokentap_connections_refused_total{reason="max_connections"} 1')
    expect(metrics).toContain(
      'tokentap_connections_refused_total{reason="max_connections_per_user"} 1',
    )
  })
})

describe('idle timeouts (PROXY_TUNNEL_IDLE_TIMEOUT_MS)', () => {
  let proxy: Harness

  beforeAll(async () => {
    proxy = await startProxy({
      upstreamPort: mock.port,
      upstreamCaPath: mock.caPath,
      env: { PROXY_TUNNEL_IDLE_TIMEOUT_MS: '300' },
    })
  }, 30_000)

  afterAll(() => proxy.stop())

  test('a blind tunnel that goes silent is closed', async () => {
    const c = await rawConnect(proxy.app.address.port, `127.0.0.1:${echoServer.port}`)
    expect(c.status).toBe(200)
    expect(await echo(c.socket, 'ping')).toBe('ping')
    await c.closed
    expect(await metricsOf(proxy)).toContain('tokentap_idle_timeouts_total{kind="tunnel"} 1')
  }, 15_000)

  test('an upgraded WebSocket that goes silent is closed', async () => {
    const ca = await Bun.file(proxy.caPath).text()
    const ws = await openMitm(proxy.app.address.port, 'api.openai.com', basicAuth('me', 'x'), ca)
    const head = await request(ws.socket, wsUpgrade('api.openai.com'), '\r\n\r\n')
    expect(head).toStartWith('HTTP/1.1 101')
    await ws.closed
    expect(await metricsOf(proxy)).toContain('tokentap_idle_timeouts_total{kind="upgrade"} 1')
  }, 15_000)
})
