// Everything around the happy path: blind tunnels for other hosts, upstream down, plain http://,
// the proxy's own endpoints, and bad input that must never crash the process or leak sockets.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { readdirSync } from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from './helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness
let plain: ReturnType<typeof Bun.serve>

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('example.com', 'GET /hello', () => new Response('origin says hi'))
  plain = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch: (req) => new Response(`plain ${new URL(req.url).pathname}`),
  })
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: {
      TOKENTAP_RESOLVE: `api.openai.com:443=127.0.0.1:1,*:443=127.0.0.1:${mock.port}`,
      PROXY_HEADER_TIMEOUT_MS: '300',
    },
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  await plain.stop(true)
})

/** Opens a CONNECT tunnel by hand; resolves with the socket and the proxy's reply line. */
function connectTunnel(target: string): Promise<{ socket: net.Socket; reply: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(proxy.app.address.port, '127.0.0.1', () => {
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`)
    })
    let buf = ''
    const onData = (d: Buffer): void => {
      buf += d.toString('latin1')
      const end = buf.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      resolve({ socket, reply: buf.slice(0, buf.indexOf('\r\n')) })
    }
    socket.on('data', onData)
    socket.on('error', reject)
  })
}

function rawExchange(bytes: string, waitMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const s = net.connect(proxy.app.address.port, '127.0.0.1', () => s.write(bytes))
    let out = ''
    s.on('data', (d) => {
      out += d.toString('latin1')
    })
    const done = (): void => resolve(out)
    s.on('close', done)
    s.on('error', done)
    setTimeout(() => {
      s.destroy()
      done()
    }, waitMs)
  })
}

describe('hosts that are not intercepted', () => {
  test('blind tunnel: the client sees the origin certificate, never ours, and nothing is recorded', async () => {
    const before = proxy.sink.records.length
    const { socket, reply } = await connectTunnel('example.com:443')
    expect(reply).toBe('HTTP/1.1 200 Connection Established')
    const proxyCa = await Bun.file(proxy.caPath).text()
    const viaProxyCa = await new Promise<boolean>((resolve) => {
      const t = tls.connect(
        { socket, servername: 'example.com', ca: proxyCa, rejectUnauthorized: false },
        () => {
          resolve(t.authorized)
          t.destroy()
        },
      )
    })
    expect(viaProxyCa).toBe(false)
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      mock.caPath,
      'https://example.com/hello',
    ])
    expect(r.code).toBe(0)
    expect(r.stdout.toString()).toBe('origin says hi')
    await Bun.sleep(50)
    expect(proxy.sink.records.length).toBe(before)
  })

  test('plain http:// absolute-form requests are forwarded', async () => {
    const r = await curl(['--proxy', proxy.proxyUrl, `http://127.0.0.1:${plain.port}/x/y?z=1`])
    expect(r.code).toBe(0)
    expect(r.stdout.toString()).toBe('plain /x/y')
  })
})

describe('failures', () => {
  test('upstream down: 502 with a clear body, and a failed record', async () => {
    const before = proxy.sink.records.length
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      proxy.caPath,
      '-d',
      '{}',
      '-i',
      'https://api.openai.com/v1/chat/completions',
    ])
    const text = r.stdout.toString()
    // curl -i prints the CONNECT reply first, then the response inside the tunnel.
    expect(text).toStartWith('HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 502 Bad Gateway')
    expect(text).toContain('tokentap: upstream api.openai.com:443 unreachable')
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'openai',
      status: 502,
      outcome: 'failed',
      usageSource: 'none',
    })
    expect(rec!.error).toContain('ECONNREFUSED')
  })

  test('upstream certificates are verified: wrong name → 502, not relayed', async () => {
    // The mock has no certificate for api.groq.com and answers with another host's.
    const before = proxy.sink.records.length
    const r = await curl([
      '--proxy',
      proxy.proxyUrl,
      '--cacert',
      proxy.caPath,
      '-d',
      '{}',
      '-i',
      'https://api.groq.com/openai/v1/chat/completions',
    ])
    expect(r.stdout.toString()).toContain('HTTP/1.1 502 Bad Gateway')
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({ provider: 'groq', outcome: 'failed', status: 502 })
    expect(rec!.error).toMatch(/altname|hostname|certificate/i)
  })

  test('upstream certificates are verified: an untrusted CA → 502', async () => {
    const strict = await startProxy({ upstreamPort: mock.port, upstreamCaPath: '', env: {} })
    try {
      const r = await curl([
        '--proxy',
        strict.proxyUrl,
        '--cacert',
        strict.caPath,
        '-d',
        '{}',
        '-i',
        'https://api.anthropic.com/v1/messages',
      ])
      expect(r.stdout.toString()).toContain('HTTP/1.1 502 Bad Gateway')
      expect(r.stdout.toString()).toMatch(/certificate|self.signed|issuer/i)
    } finally {
      await strict.stop()
    }
  })

  test('an upstream that never answers: 504 after UPSTREAM_TIMEOUT_MS, and a failed record', async () => {
    const slow = await startProxy({
      upstreamPort: mock.port,
      upstreamCaPath: mock.caPath,
      env: { UPSTREAM_TIMEOUT_MS: '200' },
    })
    const hang = Promise.withResolvers<Response>()
    mock.on('api.anthropic.com', 'POST /v1/messages', () => hang.promise)
    try {
      const r = await curl([
        '--proxy',
        slow.proxyUrl,
        '--cacert',
        slow.caPath,
        '-d',
        '{}',
        '-i',
        'https://api.anthropic.com/v1/messages',
      ])
      expect(r.stdout.toString()).toContain('HTTP/1.1 504 Gateway Timeout')
      const [rec] = await slow.sink.waitFor(1)
      expect(rec).toMatchObject({
        status: 504,
        outcome: 'failed',
        error: 'upstream timed out after 200 ms',
      })
    } finally {
      hang.resolve(new Response('late'))
      await slow.stop()
    }
  })

  test('tunnel to an unreachable host answers 502', async () => {
    const text = await rawExchange('CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n')
    expect(text).toStartWith('HTTP/1.1 502 Bad Gateway')
  })
})

describe('the proxy itself', () => {
  test('/health and /metrics answer when addressed directly', async () => {
    const h = await fetch(`${proxy.proxyUrl}/health`)
    expect(h.status).toBe(200)
    expect(((await h.json()) as { status: string }).status).toBe('ok')
    const m = await (await fetch(`${proxy.proxyUrl}/metrics`)).text()
    expect(m).toContain('# TYPE tokentap_exchanges_total counter')
    expect(m).toMatch(/tokentap_exchanges_total\{provider="openai",outcome="failed"\} \d+/)
    expect(m).toMatch(/tokentap_leaf_cache_size \d+/)
    expect(m).toMatch(/tokentap_queue_depth \d+/)
  })
})

describe('bad input never crashes the proxy', () => {
  test('malformed CONNECT target → 400', async () => {
    expect(await rawExchange('CONNECT not a target HTTP/1.1\r\n\r\n')).toStartWith('HTTP/1.1 400')
    expect(await rawExchange('CONNECT bad_host!:443 HTTP/1.1\r\n\r\n')).toStartWith('HTTP/1.1 400')
    expect(await rawExchange('CONNECT api.anthropic.com:99999 HTTP/1.1\r\n\r\n')).toStartWith(
      'HTTP/1.1 400',
    )
  })

  test('garbage request line → 400; oversized headers → 431', async () => {
    expect(await rawExchange('\x16\x03\x01 garbage\r\n\r\n')).toStartWith('HTTP/1.1 400')
    const big = `GET /health HTTP/1.1\r\nx-big: ${'a'.repeat(70_000)}\r\n\r\n`
    expect(await rawExchange(big)).toStartWith('HTTP/1.1 431')
  })

  test('non-TLS bytes after CONNECT to an intercepted host: the connection is closed', async () => {
    const { socket } = await connectTunnel('api.anthropic.com:443')
    const closed = new Promise<boolean>((resolve) => {
      socket.on('close', () => resolve(true))
      setTimeout(() => resolve(false), 2000)
    })
    socket.write('GET / HTTP/1.1\r\nHost: api.anthropic.com\r\n\r\n')
    expect(await closed).toBe(true)
  })

  test('a client that never sends is closed after the header timeout', async () => {
    const start = Date.now()
    const s = net.connect(proxy.app.address.port, '127.0.0.1')
    await new Promise<void>((r) => s.on('close', () => r()))
    expect(Date.now() - start).toBeGreaterThanOrEqual(250)
  })

  test('500 abandoned bad connections leak no file descriptors', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length
    const health = async (): Promise<number> => (await fetch(`${proxy.proxyUrl}/health`)).status
    // Earlier tests may hold pooled keep-alive connections: compare with what is open now.
    const baseline = fds()
    const baselineConnections = proxy.app.server.openConnections()
    const kinds = [
      'CONNECT nope HTTP/1.1\r\n\r\n',
      'CONNECT api.anthropic.com:443 HTTP/1.1\r\n\r\nnot tls at all',
      'CONNECT api.anthropic.com:443 HTTP/1.1\r\n\r\n\x16\x03\x01\x02\x00\x01',
      'GET / HTTP/1.1\r\nHost',
      '',
    ]
    const sockets: net.Socket[] = []
    for (let i = 0; i < 500; i++) {
      const s = net.connect(proxy.app.address.port, '127.0.0.1')
      s.on('error', () => {})
      s.on('connect', () => s.write(kinds[i % kinds.length]!))
      sockets.push(s)
    }
    await Bun.sleep(150)
    for (const s of sockets) s.destroy()
    const deadline = Date.now() + 5000
    while (
      Date.now() < deadline &&
      (proxy.app.server.openConnections() > baselineConnections || fds() > baseline + 5)
    ) {
      await Bun.sleep(50)
    }
    expect(proxy.app.server.openConnections()).toBeLessThanOrEqual(baselineConnections)
    expect(fds()).toBeLessThanOrEqual(baseline + 5)
    expect(await health()).toBe(200)
  }, 15_000)
})
