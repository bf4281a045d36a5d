// Loopback stand-ins for what a proxy user must not reach (a metadata service, a dashboard, a
// database port), and raw CONNECT / MITM / WebSocket clients that keep their socket open, so
// tests can watch the proxy close it.

import { randomBytes } from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import type { Server } from 'bun'

/** Plain HTTP on 127.0.0.1 that hands out a secret to anyone who asks (and counts them). */
export interface SecretService {
  port: number
  requests: number
  stop(): Promise<void>
}

export function startSecretService(secret: string): SecretService {
  const s: { requests: number } = { requests: 0 }
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    fetch() {
      s.requests++
      return Response.json({ AccessKeyId: 'ASIA-STAND-IN', SecretAccessKey: secret })
    },
  })
  return {
    port: server.port!,
    get requests() {
      return s.requests
    },
    stop: () => server.stop(true),
  }
}

/** TCP echo on 127.0.0.1 (a database port stand-in); counts accepted connections. */
export interface EchoServer {
  port: number
  accepted: number
  stop(): Promise<void>
}

export async function startEchoServer(): Promise<EchoServer> {
  const sockets = new Set<net.Socket>()
  const s = { accepted: 0 }
  const server = net.createServer((c) => {
    s.accepted++
    sockets.add(c)
    c.on('close', () => sockets.delete(c))
    c.on('error', () => {})
    c.pipe(c)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return {
    port: (server.address() as net.AddressInfo).port,
    get accepted() {
      return s.accepted
    },
    stop: async () => {
      for (const c of sockets) c.destroy()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export interface RawConnect {
  /** The proxy's answer: status line, headers, and any body it sent before closing. */
  response: string
  status: number
  socket: net.Socket
  /** Settles when the proxy side closes the connection. */
  closed: Promise<void>
}

/** CONNECT through the proxy on a raw socket; resolves after the response head (or close). */
export async function rawConnect(
  proxyPort: number,
  target: string,
  auth?: string,
): Promise<RawConnect> {
  const socket = net.connect(proxyPort, '127.0.0.1')
  socket.on('error', () => {})
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  await new Promise<void>((r) => socket.once('connect', () => r()))
  socket.write(
    `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n` +
      (auth ? `Proxy-Authorization: ${auth}\r\n` : '') +
      '\r\n',
  )
  let text = ''
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer): void => {
      text += d.toString('latin1')
      if (text.startsWith('HTTP/1.1 200') && text.includes('\r\n\r\n')) {
        socket.off('data', onData)
        resolve()
      }
    }
    socket.on('data', onData)
    void closed.then(resolve)
  })
  return { response: text, status: Number(text.slice(9, 12)), socket, closed }
}

/** Writes `text` into an open tunnel and resolves with the echo. */
export async function echo(socket: net.Socket, text: string): Promise<string> {
  let got = ''
  return new Promise((resolve) => {
    const onData = (d: Buffer): void => {
      got += d.toString('latin1')
      if (got.length >= text.length) {
        socket.off('data', onData)
        resolve(got)
      }
    }
    socket.on('data', onData)
    socket.write(text)
  })
}

/** CONNECT to an intercepted host, then TLS with the proxy's leaf (trusting its CA). */
export async function openMitm(
  proxyPort: number,
  host: string,
  auth: string,
  caPem: string,
): Promise<{ socket: tls.TLSSocket; closed: Promise<void> }> {
  const c = await rawConnect(proxyPort, `${host}:443`, auth)
  if (c.status !== 200) throw new Error(`CONNECT ${host}: ${c.response}`)
  const socket = tls.connect({ socket: c.socket, servername: host, ca: caPem })
  socket.on('error', () => {})
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  await new Promise<void>((r) => socket.once('secureConnect', () => r()))
  return { socket, closed }
}

/** One request on an open MITM socket; resolves with the response text once it has `marker`. */
export async function request(socket: tls.TLSSocket, head: string, marker: string) {
  let got = ''
  return new Promise<string>((resolve) => {
    const onData = (d: Buffer): void => {
      got += d.toString('latin1')
      if (got.includes(marker)) {
        socket.off('data', onData)
        resolve(got)
      }
    }
    socket.on('data', onData)
    socket.write(head)
  })
}

/** The WebSocket upgrade request for the mock upstream's echo route. */
export const wsUpgrade = (host: string): string =>
  `GET /ws-echo HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
  `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`

/** A plain proxy request (absolute-form or origin-form) whose answer is read to the close. */
export async function rawHttp(proxyPort: number, lines: string[], body = ''): Promise<string> {
  const socket = net.connect(proxyPort, '127.0.0.1')
  socket.on('error', () => {})
  let text = ''
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1')
  })
  await new Promise<void>((r) => socket.once('connect', () => r()))
  socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
  await new Promise<void>((r) => socket.once('close', () => r()))
  return text
}
