// Loopback TLS servers that each present one certificate and answer any HTTP request with
// `ok <name>`, recording completed handshakes, requests and handshakes the client broke off (its
// certificate check failed); plus a CONNECT relay that sends every tunnel to the server of the
// CONNECT host, for clients that only reach hosts through HTTPS_PROXY (Codex).

import net from 'node:net'
import tls from 'node:tls'

export interface TlsEndpoint {
  name: string
  port: number
  /** TLS handshakes the client completed. */
  handshakes: number
  /** HTTP request heads received (first line). */
  requests: string[]
  /** Handshakes that failed (the client refused the certificate, or sent no TLS). */
  failures: string[]
  /** Resolves on the first request or failure, whichever comes first. */
  settled(): Promise<'request' | 'failure'>
  /** Forgets what was seen (before the next client runs). */
  reset(): void
  close(): Promise<void>
}

export function startTlsEndpoint(name: string, key: string, cert: string): Promise<TlsEndpoint> {
  const waiters: ((o: 'request' | 'failure') => void)[] = []
  const settle = (o: 'request' | 'failure'): void => {
    for (const w of waiters.splice(0)) w(o)
  }
  const endpoint: Omit<TlsEndpoint, 'port'> & { port: number } = {
    name,
    port: 0,
    handshakes: 0,
    requests: [],
    failures: [],
    settled: () =>
      endpoint.requests.length > 0
        ? Promise.resolve('request')
        : endpoint.failures.length > 0
          ? Promise.resolve('failure')
          : new Promise((r) => waiters.push(r)),
    reset() {
      endpoint.handshakes = 0
      endpoint.requests = []
      endpoint.failures = []
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of open) s.destroy()
        server.close(() => r())
      }),
  }
  const open = new Set<net.Socket>()
  const server = tls.createServer({ key, cert }, (socket) => {
    endpoint.handshakes++
    let head = ''
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1')
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      endpoint.requests.push(head.slice(0, head.indexOf('\r\n')))
      settle('request')
      const body = `ok ${name}`
      socket.end(
        `HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
      )
    })
    socket.on('error', () => {})
  })
  server.on('connection', (socket: net.Socket) => {
    open.add(socket)
    socket.on('close', () => open.delete(socket))
  })
  server.on('tlsClientError', (e: Error) => {
    endpoint.failures.push(e.message)
    settle('failure')
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      endpoint.port = (server.address() as net.AddressInfo).port
      resolve(endpoint)
    })
  })
}

export interface ConnectRelay {
  url: string
  /** CONNECT targets seen. */
  targets: string[]
  close(): Promise<void>
}

/** An HTTP proxy that accepts CONNECT for hosts in `routes` (host → local port) and pipes the
 *  tunnel there; anything else gets 403. */
export function startConnectRelay(routes: Map<string, number>): Promise<ConnectRelay> {
  const targets: string[] = []
  const sockets = new Set<net.Socket>()
  const server = net.createServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.on('error', () => {})
    let head = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      client.off('data', onData)
      const line = head.subarray(0, head.indexOf('\r\n')).toString('latin1')
      const m = /^CONNECT (\S+) HTTP\/1\.[01]$/.exec(line)
      const target = m?.[1] ?? ''
      targets.push(target)
      const host = target.replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
      const port = routes.get(host)
      if (port === undefined) {
        client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n')
        return
      }
      const upstream = net.connect(port, '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
        const rest = head.subarray(end + 4)
        if (rest.length > 0) upstream.write(rest)
        client.pipe(upstream)
        upstream.pipe(client)
      })
      sockets.add(upstream)
      upstream.on('close', () => {
        sockets.delete(upstream)
        client.destroy()
      })
      upstream.on('error', () => client.destroy())
      client.on('close', () => upstream.destroy())
    }
    client.on('data', onData)
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        targets,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy()
            server.close(() => r())
          }),
      })
    })
  })
}
