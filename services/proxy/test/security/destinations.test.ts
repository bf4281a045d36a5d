// Team mode keeps users out of the internal network: CONNECT and absolute-form http:// requests
// to loopback (stand-ins for a cloud metadata service, the local dashboard and the embedded
// Postgres port, all on 127.0.0.1) are refused with a 403 that says why, logged and counted;
// closed ports too. What the operator opened (PROXY_ALLOWED_DESTINATIONS, TOKENTAP_RESOLVE)
// is reached at the address that was checked. Local mode stays permissive.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { lookup as dnsLookup } from 'node:dns/promises'
import { rmSync } from 'node:fs'
import type { Lookup } from '../../src/destinations/lookup.ts'
import { type MockUpstream, startMockUpstream } from '../helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from '../helpers/proxy-harness.ts'
import {
  basicAuth,
  type PlainUpstream,
  startPlainUpstream,
  usersFile,
} from '../identity/helpers.ts'
import {
  type EchoServer,
  echo,
  rawConnect,
  rawHttp,
  type SecretService,
  startEchoServer,
  startSecretService,
} from './helpers.ts'

const ALICE = 'tt_alice_4b1c9e0f7d2a43b8a6c5d4e3f2a1b0c9'
const AUTH = basicAuth('alice', ALICE)
const users = usersFile()
users.write({ alice: ALICE })

let mock: MockUpstream
let metadata: SecretService
let dashboard: SecretService
let postgres: EchoServer
let internalLlm: PlainUpstream
let internalDb: EchoServer
let team: Harness
let local: Harness
const lookups: string[] = []

/** The guard's resolver: the internal test names map to loopback; the others (localhost and
 *  numeric spellings, answered from /etc/hosts and getaddrinfo's parser) go to the system. */
const lookup: Lookup = async (host) => {
  lookups.push(host)
  if (host === 'llm.internal.test' || host === 'db.internal.test') return ['127.0.0.1']
  return (await dnsLookup(host, { all: true })).map((a) => a.address)
}

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_1',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 3, output_tokens: 1 },
    }),
  )
  metadata = startSecretService('metadata-secret')
  dashboard = startSecretService('all-users-rows')
  postgres = await startEchoServer()
  internalLlm = startPlainUpstream()
  internalDb = await startEchoServer()
  team = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    lookup,
    env: {
      PROXY_USERS: users.path,
      // Only the LLM host is mapped: every other destination goes through the policy.
      TOKENTAP_RESOLVE: `api.anthropic.com:443=127.0.0.1:${mock.port}`,
      // The stand-ins' ports are open, so what refuses them is their address.
      PROXY_ALLOWED_PORTS: `${metadata.port},${dashboard.port}`,
      PROXY_ALLOWED_DESTINATIONS: `llm.internal.test:${internalLlm.port} db.internal.test:${internalDb.port}`,
    },
  })
  local = await startProxy({ upstreamPort: mock.port, upstreamCaPath: mock.caPath })
}, 60_000)

afterAll(async () => {
  await team.stop()
  await local.stop()
  await mock.stop()
  await metadata.stop()
  await dashboard.stop()
  await postgres.stop()
  await internalLlm.stop()
  await internalDb.stop()
  rmSync(users.dir, { recursive: true, force: true })
}, 30_000)

const body = (response: string): string => response.slice(response.indexOf('\r\n\r\n') + 4)

describe('team mode: destinations', () => {
  test('a stand-in metadata service on 127.0.0.1 is refused (CONNECT, 403 that says why)', async () => {
    const c = await rawConnect(team.app.address.port, `127.0.0.1:${metadata.port}`, AUTH)
    expect(c.status).toBe(403)
    expect(c.response).toStartWith('HTTP/1.1 403 Forbidden\r\n')
    expect(body(c.response)).toContain(
      `tokentap: refused to connect to 127.0.0.1:${metadata.port}: 127.0.0.1 is a loopback address (this machine).`,
    )
    expect(body(c.response)).toContain('PROXY_ALLOWED_DESTINATIONS')
    await c.closed
    expect(metadata.requests).toBe(0)
  })

  test('an absolute-form request to a loopback dashboard is refused', async () => {
    const r = await rawHttp(team.app.address.port, [
      `GET http://127.0.0.1:${dashboard.port}/api/events?key=SECRET HTTP/1.1`,
      `Host: 127.0.0.1:${dashboard.port}`,
      `Proxy-Authorization: ${AUTH}`,
      'Connection: close',
    ])
    expect(r).toStartWith('HTTP/1.1 403 Forbidden\r\n')
    expect(body(r)).toContain(
      `refused to forward a request to http://127.0.0.1:${dashboard.port}: 127.0.0.1 is a loopback address`,
    )
    expect(r).not.toContain('SECRET')
    expect(r).not.toContain('all-users-rows')
    expect(dashboard.requests).toBe(0)
  })

  test('CONNECT to the embedded Postgres port is refused: only 443 is open by default', async () => {
    const c = await rawConnect(team.app.address.port, `127.0.0.1:${postgres.port}`, AUTH)
    expect(c.status).toBe(403)
    expect(body(c.response)).toContain(`port ${postgres.port} is not open for CONNECT`)
    await c.closed
    expect(postgres.accepted).toBe(0)
  })

  test('names and spellings that lead to loopback are refused like the address', async () => {
    const port = team.app.address.port
    for (const target of [`localhost:${metadata.port}`, `2130706433:${metadata.port}`]) {
      const c = await rawConnect(port, target, AUTH)
      expect(c.status).toBe(403)
      expect(body(c.response)).toContain('a loopback address')
    }
    for (const host of ['0x7f.1', '[::ffff:127.0.0.1]', '0.0.0.0', '[::]']) {
      const r = await rawHttp(port, [
        `GET http://${host}:${dashboard.port}/ HTTP/1.1`,
        `Host: x`,
        `Proxy-Authorization: ${AUTH}`,
        'Connection: close',
      ])
      expect(r).toStartWith('HTTP/1.1 403 Forbidden\r\n')
    }
    expect(metadata.requests + dashboard.requests).toBe(0)
  })

  test('refusals are logged (client, user, destination, why; no path) and counted', async () => {
    const lines = team.logs.filter((l) => l.includes('403 '))
    expect(
      lines.some((l) =>
        l.includes(
          `403 CONNECT "127.0.0.1:${metadata.port}" from 127.0.0.1 user "alice": 127.0.0.1 is a loopback address`,
        ),
      ),
    ).toBe(true)
    expect(
      lines.some((l) =>
        l.includes(
          `403 request to "http://127.0.0.1:${dashboard.port}" from 127.0.0.1 user "alice"`,
        ),
      ),
    ).toBe(true)
    expect(team.logs.join('\n')).not.toContain('SECRET')
    const metrics = await (await fetch(`${team.proxyUrl}/metrics`)).text()
    expect(metrics).toMatch(/tokentap_destinations_refused_total\{reason="loopback"\} [1-9]/)
    expect(metrics).toMatch(/tokentap_destinations_refused_total\{reason="port"\} [1-9]/)
    expect(metrics).toMatch(/tokentap_destinations_refused_total\{reason="unspecified"\} [1-9]/)
  })

  test('an internal provider opened by PROXY_ALLOWED_DESTINATIONS is reached at the checked address, looked up once', async () => {
    lookups.length = 0
    const r = await rawHttp(
      team.app.address.port,
      [
        `POST http://llm.internal.test:${internalLlm.port}/v1/messages HTTP/1.1`,
        `Host: llm.internal.test:${internalLlm.port}`,
        `Proxy-Authorization: ${AUTH}`,
        'Content-Length: 2',
        'Connection: close',
      ],
      '{}',
    )
    expect(r).toStartWith('HTTP/1.1 200')
    expect(r).toContain('msg_plain')
    expect(internalLlm.seen.map((s) => s.path)).toEqual(['/v1/messages'])
    // The session's check and the pool's dial share one answer: no second query to rebind.
    expect(lookups).toEqual(['llm.internal.test'])
  })

  test('a blind tunnel to an allowed internal database works; the same port elsewhere does not', async () => {
    const c = await rawConnect(team.app.address.port, `db.internal.test:${internalDb.port}`, AUTH)
    expect(c.status).toBe(200)
    expect(await echo(c.socket, 'ping')).toBe('ping')
    c.socket.destroy()
    const other = await rawConnect(team.app.address.port, `127.0.0.1:${internalDb.port}`, AUTH)
    expect(other.status).toBe(403)
  })

  test('TOKENTAP_RESOLVE targets stay usable: the mapped LLM host is intercepted and recorded', async () => {
    const before = team.sink.records.length
    const r = await curl([
      '--proxy',
      team.proxyUrl,
      '--proxy-user',
      `alice:${ALICE}`,
      '--cacert',
      team.caPath,
      '-d',
      '{"model":"claude-haiku-4-5"}',
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout.toString()).toContain('msg_1')
    const rec = await team.sink.recordAfter(before)
    expect(rec.user).toBe('alice')
  })
})

describe('local mode', () => {
  test('stays permissive: loopback destinations are reached (the only user is the owner)', async () => {
    const r = await rawHttp(local.app.address.port, [
      `GET http://127.0.0.1:${dashboard.port}/ HTTP/1.1`,
      `Host: 127.0.0.1:${dashboard.port}`,
      'Connection: close',
    ])
    expect(r).toStartWith('HTTP/1.1 200')
    expect(r).toContain('all-users-rows')
  })
})
