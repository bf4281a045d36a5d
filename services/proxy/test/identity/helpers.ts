// Helpers for the attribution tests: a raw proxy request (to read the proxy's own response head
// byte for byte), a plain-HTTP upstream for absolute-form requests, and a users file on disk.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Server } from 'bun'
import { hashProxyToken } from '../../src/identity/users.ts'

/** Sends `head` (CRLF-joined, blank line added) to the proxy; resolves with what it answered
 *  up to the end of the response head, or everything when the proxy closes first. */
export async function rawRequest(port: number, lines: string[]): Promise<string> {
  let text = ''
  return new Promise((resolve, reject) => {
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open(s) {
          s.write(`${lines.join('\r\n')}\r\n\r\n`)
        },
        data(s, chunk) {
          text += Buffer.from(chunk).toString('latin1')
          if (text.includes('\r\n\r\n') && !text.startsWith('HTTP/1.1 407')) {
            s.end()
            resolve(text)
          }
        },
        close() {
          resolve(text)
        },
        error(_s, e) {
          reject(e)
        },
      },
    }).catch(reject)
  })
}

export const basicAuth = (userPart: string, token: string): string =>
  `Basic ${Buffer.from(`${userPart}:${token}`).toString('base64')}`

export interface PlainUpstream {
  port: number
  seen: { path: string; headers: Headers }[]
  stop(): Promise<void>
}

/** Plain HTTP on loopback, answering every request with an Anthropic-style message. */
export function startPlainUpstream(): PlainUpstream {
  const seen: PlainUpstream['seen'] = []
  const server: Server<undefined> = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      await req.text()
      seen.push({ path: new URL(req.url).pathname, headers: req.headers })
      return Response.json({
        id: 'msg_plain',
        model: 'claude-haiku-4-5',
        usage: { input_tokens: 4, output_tokens: 2 },
      })
    },
  })
  return { port: server.port!, seen, stop: () => server.stop(true) }
}

export interface UsersFile {
  dir: string
  path: string
  write(users: Record<string, string>): void
}

/** A users file in a fresh directory, written from name → token (hashed here). */
export function usersFile(ext = 'json'): UsersFile {
  const dir = mkdtempSync(join(tmpdir(), 'tt-users-'))
  const path = join(dir, `users.${ext}`)
  const write = (users: Record<string, string>): void => {
    const list = Object.entries(users).map(([name, token]) => ({
      name,
      tokenSha256: hashProxyToken(token),
    }))
    writeFileSync(path, JSON.stringify({ users: list }, null, 2))
  }
  return { dir, path, write }
}
