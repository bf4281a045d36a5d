import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type net from 'node:net'
import tls from 'node:tls'
import { testUpstreamCa } from '../../test/helpers/test-ca.ts'
import { parseResolve } from '../net/resolve.ts'
import { createUpstreamPool, poolIdentity } from './pool.ts'

let server: tls.Server
let port: number
let caPem: string
let accepted = 0
const serverSockets: tls.TLSSocket[] = []

beforeAll(async () => {
  const ca = await testUpstreamCa()
  caPem = ca.ca.certPem
  server = tls.createServer(ca.certFor('api.anthropic.com'), (s) => {
    accepted++
    serverSockets.push(s)
    s.on('error', () => {})
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  port = (server.address() as net.AddressInfo).port
})

afterAll(() => {
  for (const s of serverSockets) s.destroy()
  server.close()
})

/** The server's side of a connection appears slightly after the client's handshake. */
async function serverSaw(count: number): Promise<void> {
  for (let i = 0; i < 100 && accepted < count; i++) await Bun.sleep(5)
}

const key = { host: 'api.anthropic.com', port: 443, tls: true, identity: 'local' }
const pool = () =>
  createUpstreamPool({
    resolve: parseResolve(`api.anthropic.com:443=127.0.0.1:${port}`),
    extraCa: [caPem],
    connectTimeoutMs: 2000,
  })

describe('upstream pool', () => {
  test('connects through the resolver with SNI and verification, then reuses released sockets', async () => {
    const p = pool()
    const start = accepted
    const a = await p.acquire(key)
    expect(a.reused).toBe(false)
    expect(a.socket.destroyed).toBe(false)
    p.release(key, a.socket)
    expect(p.idleCount()).toBe(1)
    const b = await p.acquire(key)
    expect(b.reused).toBe(true)
    expect(b.socket).toBe(a.socket)
    await serverSaw(start + 1)
    await Bun.sleep(20)
    expect(accepted - start).toBe(1)
    b.socket.destroy()
    p.close()
  })

  test('prewarm connects ahead; the next acquire takes that connection, even mid-handshake', async () => {
    const p = pool()
    const start = accepted
    p.prewarm(key)
    const a = await p.acquire(key)
    expect(a.reused).toBe(false)
    await serverSaw(start + 1)
    await Bun.sleep(20)
    expect(accepted - start).toBe(1)
    p.prewarm(key)
    await serverSaw(start + 2)
    for (let i = 0; i < 50 && p.idleCount() === 0; i++) await Bun.sleep(5)
    expect(p.idleCount()).toBe(1)
    const b = await p.acquire(key)
    expect(b.reused).toBe(true)
    expect(accepted - start).toBe(2)
    a.socket.destroy()
    b.socket.destroy()
    p.close()
  })

  test('prewarms in flight are capped over all keys; past the cap a request dials itself', async () => {
    const p = createUpstreamPool({
      resolve: parseResolve(`api.anthropic.com:443=127.0.0.1:${port}`),
      extraCa: [caPem],
      connectTimeoutMs: 2000,
      maxWarmingTotal: 2,
    })
    const start = p.connectCount()
    const users = ['a', 'b', 'c', 'd'].map((u) => ({ ...key, identity: poolIdentity(u, true) }))
    for (const u of users) p.prewarm(u)
    expect(p.connectCount() - start).toBe(2) // c and d: no prewarm
    const got = await Promise.all(users.map((u) => p.acquire(u)))
    expect(p.connectCount() - start).toBe(4) // each request has exactly one connection
    // Once the first prewarms ended, new ones start again.
    p.prewarm(users[0]!)
    expect(p.connectCount() - start).toBe(5)
    const again = await p.acquire(users[0]!)
    for (const g of [...got, again]) g.socket.destroy()
    p.close()
  })

  test('a pooled connection is never reused across team users (nor prewarmed for another)', async () => {
    const p = pool()
    const alice = { ...key, identity: poolIdentity('alice', true) }
    const bob = { ...key, identity: poolIdentity('bob', true) }
    const a = await p.acquire(alice)
    p.release(alice, a.socket)
    expect(p.idleCount()).toBe(1)
    const b = await p.acquire(bob)
    expect(b.reused).toBe(false)
    expect(b.socket).not.toBe(a.socket)
    p.prewarm(bob)
    const again = await p.acquire(alice)
    expect(again).toMatchObject({ reused: true, socket: a.socket })
    const bobsWarm = await p.acquire(bob)
    expect(bobsWarm.socket).not.toBe(a.socket)
    for (const s of [a.socket, b.socket, bobsWarm.socket]) s.destroy()
    p.close()
  })

  test('pool identities: one per team user, one in local mode', () => {
    expect(poolIdentity('alice', true)).not.toBe(poolIdentity('bob', true))
    expect(poolIdentity(null, true)).not.toBe(poolIdentity('alice', true))
    expect(poolIdentity('alice', false)).toBe(poolIdentity('bob', false))
  })

  test('an idle socket the server closes is dropped from the pool', async () => {
    const p = pool()
    const start = accepted
    const a = await p.acquire(key)
    await serverSaw(start + 1)
    p.release(key, a.socket)
    serverSockets.at(-1)!.destroy()
    for (let i = 0; i < 50 && p.idleCount() > 0; i++) await Bun.sleep(10)
    expect(p.idleCount()).toBe(0)
    const b = await p.acquire(key)
    expect(b.reused).toBe(false)
    b.socket.destroy()
    p.close()
  })

  test('an untrusted certificate is refused', async () => {
    const p = createUpstreamPool({
      resolve: parseResolve(`api.anthropic.com:443=127.0.0.1:${port}`),
      extraCa: [],
      connectTimeoutMs: 2000,
    })
    await expect(p.acquire(key)).rejects.toThrow()
    p.close()
  })

  test('a refused connection rejects with the error', async () => {
    const p = createUpstreamPool({
      resolve: parseResolve('*:443=127.0.0.1:1'),
      extraCa: [],
      connectTimeoutMs: 2000,
    })
    await expect(p.acquire(key)).rejects.toMatchObject({ code: 'ECONNREFUSED' })
    p.close()
  })
})
