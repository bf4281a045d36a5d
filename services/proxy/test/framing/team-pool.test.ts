// Upstream connections in team mode belong to one user: a connection one user's request used is
// never handed to another's, so even a framing mistake cannot glue one user's request (with
// their API key) onto another's. The smuggling attempt from the review is refused outright.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { rmSync } from 'node:fs'
import { type Harness, startProxy } from '../helpers/proxy-harness.ts'
import { basicAuth, type UsersFile, usersFile } from '../identity/helpers.ts'
import { type RawUpstream, startRawUpstream, tunnel } from './wire.ts'

const ALICE = 'tt_alice_2b7e151628aed2a6abf7158809cf4f3c'
const BOB = 'tt_bob_3243f6a8885a308d313198a2e0370734'
const CAROL = 'tt_carol_a4093822299f31d0082efa98ec4e6c89'
const TOKENS = { alice: ALICE, bob: BOB, carol: CAROL }
const HOST = 'Host: api.anthropic.com\r\n'

let upstream: RawUpstream
let users: UsersFile
let proxy: Harness

beforeAll(async () => {
  upstream = await startRawUpstream()
  users = usersFile()
  users.write(TOKENS)
  proxy = await startProxy({
    upstreamPort: upstream.port,
    upstreamCaPath: upstream.caPath,
    env: { PROXY_USERS: users.path },
  })
}, 60_000)

afterAll(async () => {
  await proxy.stop()
  await upstream.stop()
  rmSync(users.dir, { recursive: true, force: true })
})

const as = (user: keyof typeof TOKENS) =>
  tunnel(proxy.app.address.port, proxy.app.caCertPem, { auth: basicAuth(user, TOKENS[user]) })

const connOf = (who: string): number[] =>
  upstream.requests.filter((r) => r.head.includes(`x-who: ${who}`)).map((r) => r.conn)

describe('upstream connections per team user', () => {
  test('a pooled connection is never reused across team users', async () => {
    const a = await as('alice')
    a.send(`GET /v1/models HTTP/1.1\r\n${HOST}x-who: alice-1\r\n\r\n`)
    expect((await a.responses(1)).statuses).toEqual([200])
    a.destroy()
    const b = await as('bob')
    b.send(`GET /v1/models HTTP/1.1\r\n${HOST}x-who: bob-1\r\n\r\n`)
    expect((await b.responses(1)).statuses).toEqual([200])
    b.destroy()
    const a2 = await as('alice')
    a2.send(`GET /v1/models HTTP/1.1\r\n${HOST}x-who: alice-2\r\n\r\n`)
    expect((await a2.responses(1)).statuses).toEqual([200])
    a2.destroy()
    const alice = [...connOf('alice-1'), ...connOf('alice-2')]
    const bob = connOf('bob-1')
    expect(alice).toHaveLength(2)
    expect(bob).toHaveLength(1)
    expect(alice).not.toContain(bob[0]!)
  })

  test("a team user's CL+TE request cannot glue the next user's request (and API key) onto theirs", async () => {
    // What a CL-framing upstream would read as a second request, swallowing what follows it.
    const smuggled = `POST /attacker HTTP/1.1\r\n${HOST}Content-Length: 60\r\n\r\nx=`
    const size = smuggled.length.toString(16)
    expect(size).toHaveLength(2)
    const a = await as('alice')
    a.send(
      `POST /v1/messages HTTP/1.1\r\n${HOST}Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${size}\r\n${smuggled}\r\n0\r\n\r\n`,
    )
    const attacker = await a.responses(1)
    a.destroy()
    const b = await as('bob')
    b.send(
      `POST /v1/messages HTTP/1.1\r\n${HOST}x-api-key: bob-secret-key\r\nContent-Length: 2\r\n\r\n{}`,
    )
    const victim = await b.responses(1)
    b.destroy()
    expect(attacker.statuses).toEqual([400])
    expect(victim.statuses).toEqual([200])
    expect(upstream.requests.some((r) => r.head.includes('/attacker'))).toBe(false)
    const bobs = upstream.requests.filter((r) => r.head.includes('bob-secret-key'))
    expect(bobs.map((r) => r.head.split('\r\n')[0])).toEqual(['POST /v1/messages HTTP/1.1'])
  })

  test('the connection prewarmed at CONNECT is keyed to the caller: their first request takes it', async () => {
    const before = upstream.conns.length
    const c = await as('carol')
    c.send(`GET /v1/models HTTP/1.1\r\n${HOST}x-who: carol-1\r\n\r\n`)
    expect((await c.responses(1)).statuses).toEqual([200])
    c.destroy()
    // Carol's own connection (others' idle ones are not hers), and only one: the prewarmed one.
    expect(upstream.conns.length - before).toBe(1)
    expect(connOf('carol-1')).toEqual([before])
  })
})
