import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { type CaMaterial, loadOrCreateCa } from './ca-store.ts'
import { createLeafCache, type LeafCache } from './leaf-cache.ts'
import { createLeafKey, InvalidHostError, type LeafKey, mintLeafCert } from './mint.ts'
import { DAY_MS } from './x509.ts'

let home: string
let ca: CaMaterial
let leaf: LeafKey

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tokentap-leaf-cache-'))
  ca = await loadOrCreateCa({ home })
  leaf = createLeafKey()
})

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true })
})

function countingMint(failFirst = 0) {
  const hosts: string[] = []
  let failures = failFirst
  const mint: typeof mintLeafCert = (caArg, leafArg, host, now) => {
    hosts.push(host)
    if (failures > 0) {
      failures--
      throw new Error('mint failed')
    }
    return mintLeafCert(caArg, leafArg, host, now)
  }
  return { mint, hosts }
}

describe('createLeafCache', () => {
  test('concurrent first requests for one host share a single minting', async () => {
    const counter = countingMint()
    const cache = createLeafCache({ ca, leaf, mint: counter.mint })
    const names = ['api.anthropic.com', 'API.anthropic.com', 'api.anthropic.com.']
    const pending = Array.from({ length: 6 }, (_, i) => cache.get(names[i % 3]!))
    expect(counter.hosts).toEqual([])
    const contexts = await Promise.all(pending)
    expect(counter.hosts).toEqual(['api.anthropic.com'])
    expect(new Set(contexts).size).toBe(1)
    expect(cache.mintedCount()).toBe(1)
    expect(cache.size()).toBe(1)

    const hit = cache.get('api.anthropic.com')
    expect(hit).toBeInstanceOf(Promise)
    expect(await hit).toBe(contexts[0]!)
    expect(counter.hosts).toHaveLength(1)
  })

  test('evicts the least recently used host at capacity', async () => {
    const counter = countingMint()
    const cache = createLeafCache({ ca, leaf, capacity: 2, mint: counter.mint })
    await cache.get('a.example')
    await cache.get('b.example')
    await cache.get('a.example')
    await cache.get('c.example')
    expect(cache.size()).toBe(2)
    expect(counter.hosts).toEqual(['a.example', 'b.example', 'c.example'])

    await cache.get('a.example')
    expect(counter.hosts).toHaveLength(3)
    await cache.get('b.example')
    expect(counter.hosts).toEqual(['a.example', 'b.example', 'c.example', 'b.example'])
    expect(cache.size()).toBe(2)
    expect(cache.mintedCount()).toBe(4)
  })

  test('a failed minting is not cached', async () => {
    const counter = countingMint(1)
    const cache = createLeafCache({ ca, leaf, mint: counter.mint })
    const [first, second] = await Promise.allSettled([
      cache.get('x.example'),
      cache.get('x.example'),
    ])
    expect(first.status).toBe('rejected')
    expect(second.status).toBe('rejected')
    expect(cache.size()).toBe(0)
    expect(cache.mintedCount()).toBe(0)
    await cache.get('x.example')
    expect(counter.hosts).toEqual(['x.example', 'x.example'])
    expect(cache.size()).toBe(1)
    expect(cache.mintedCount()).toBe(1)
  })

  test('invalid hosts reject with InvalidHostError and are not cached', async () => {
    const counter = countingMint()
    const cache = createLeafCache({ ca, leaf, mint: counter.mint })
    await expect(cache.get('*.example.com')).rejects.toBeInstanceOf(InvalidHostError)
    await expect(cache.get('bad host')).rejects.toBeInstanceOf(InvalidHostError)
    expect(counter.hosts).toEqual([])
    expect(cache.size()).toBe(0)
  })

  test('re-mints certificates with less than a day left', async () => {
    const start = new Date('2026-01-01T00:00:00Z').getTime()
    let clock = start
    const counter = countingMint()
    const cache = createLeafCache({ ca, leaf, mint: counter.mint, now: () => new Date(clock) })
    const first = await cache.get('api.openai.com')
    clock = start + 395.5 * DAY_MS
    expect(await cache.get('api.openai.com')).toBe(first)
    expect(counter.hosts).toHaveLength(1)
    clock = start + 396.5 * DAY_MS
    const renewed = await cache.get('api.openai.com')
    expect(renewed).not.toBe(first)
    expect(counter.hosts).toHaveLength(2)
    expect(await cache.get('api.openai.com')).toBe(renewed)
    expect(cache.mintedCount()).toBe(2)
    expect(cache.size()).toBe(1)
  })

  test('rejects a non-positive capacity', () => {
    expect(() => createLeafCache({ ca, leaf, capacity: 0 })).toThrow(/capacity/)
  })
})

describe('TLS end to end', () => {
  let server: tls.Server
  let port: number
  let cache: LeafCache

  beforeAll(async () => {
    cache = createLeafCache({ ca, leaf })
    server = tls.createServer(
      {
        SNICallback: (servername, cb) => {
          cache.get(servername).then((c) => cb(null, tls.createSecureContext(c)), cb)
        },
      },
      (socket) => socket.end('ok'),
    )
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as AddressInfo).port
  })

  afterAll(() => {
    server.close()
  })

  function connect(options: tls.ConnectionOptions) {
    return new Promise<{ authorized: boolean; error: string | null; san: string; data: string }>(
      (resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ...options }, () => {
          const san = socket.getPeerCertificate().subjectaltname ?? ''
          const authError = socket.authorizationError
          let data = ''
          socket.on('data', (chunk) => {
            data += String(chunk)
          })
          socket.on('end', () =>
            resolve({
              authorized: socket.authorized,
              error: authError ? String(authError) : null,
              san,
              data,
            }),
          )
        })
        socket.on('error', reject)
      },
    )
  }

  test('a client trusting the CA verifies the minted certificate', async () => {
    const result = await connect({ ca: ca.certPem, servername: 'api.anthropic.com' })
    expect(result).toEqual({
      authorized: true,
      error: null,
      san: 'DNS:api.anthropic.com',
      data: 'ok',
    })
    const other = await connect({ ca: ca.certPem, servername: 'generativelanguage.googleapis.com' })
    expect(other.authorized).toBe(true)
    expect(other.san).toBe('DNS:generativelanguage.googleapis.com')
  })

  test('a client not trusting the CA rejects it', async () => {
    const result = await connect({ servername: 'api.anthropic.com', rejectUnauthorized: false })
    expect(result.authorized).toBe(false)
    expect(result.error).not.toBeNull()
  })
})
