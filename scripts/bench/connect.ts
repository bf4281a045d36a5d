// Opening the generator's connections to api.anthropic.com: `direct` is TLS to the mock
// upstream (SNI api.anthropic.com, trusting the test CA); `proxy` sends CONNECT to the proxy,
// then TLS inside the tunnel trusting the proxy's CA. Also builds request bytes once.

import net from 'node:net'
import tls from 'node:tls'
import { Conn, CRLF2, type Route } from './http-client.ts'
import { HOST } from './payloads.ts'

function withTimeout<T>(what: string, ms: number, work: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms)
    work.then(
      (v) => {
        clearTimeout(timer)
        resolve(v)
      },
      (e: Error) => {
        clearTimeout(timer)
        reject(e)
      },
    )
  })
}

function tlsOver(route: Route, socket?: net.Socket): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({
      ...(socket ? { socket } : { host: '127.0.0.1', port: route.port }),
      servername: HOST,
      ca: route.ca,
      ALPNProtocols: ['http/1.1'],
    })
    s.once('secureConnect', () => {
      s.off('error', reject)
      s.setNoDelay(true)
      resolve(s)
    })
    s.once('error', reject)
  })
}

function connectTunnel(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const raw = net.connect({ host: '127.0.0.1', port, noDelay: true })
    let buf = Buffer.alloc(0)
    const onData = (c: Buffer): void => {
      buf = Buffer.concat([buf, c])
      const i = buf.indexOf(CRLF2)
      if (i < 0) return
      raw.off('data', onData)
      raw.off('error', reject)
      raw.pause()
      const status = buf.toString('latin1', 0, buf.indexOf('\r\n'))
      if (!/^HTTP\/1\.[01] 200/.test(status)) {
        raw.destroy()
        reject(new Error(`CONNECT refused: ${status}`))
        return
      }
      if (buf.length > i + 4) raw.unshift(buf.subarray(i + 4))
      resolve(raw)
    }
    raw.once('error', reject)
    raw.on('data', onData)
    raw.once('connect', () =>
      raw.write(
        `CONNECT ${HOST}:443 HTTP/1.1\r\nHost: ${HOST}:443\r\nUser-Agent: tokentap-bench\r\n\r\n`,
      ),
    )
  })
}

/** A TLS connection to api.anthropic.com, direct or through the proxy's CONNECT. */
export function openConn(route: Route, timeoutMs = 15_000): Promise<Conn> {
  const open = async (): Promise<Conn> => {
    const socket = route.mode === 'proxy' ? await connectTunnel(route.port) : undefined
    return new Conn(await tlsOver(route, socket))
  }
  return withTimeout(`open ${route.mode} connection`, timeoutMs, open())
}

/** Request bytes: head plus body, built once and reused. */
export function buildRequest(path: string, body: Buffer, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = {
    Host: HOST,
    'user-agent': 'claude-cli/2.0.14 (external, cli)',
    'content-type': 'application/json',
    'anthropic-version': '2023-06-01',
    'x-api-key': 'sk-ant-bench-0000',
    'content-length': String(body.length),
    ...extra,
  }
  const head = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\n${head}\r\n`), body])
}
