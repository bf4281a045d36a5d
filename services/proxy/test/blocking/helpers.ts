// Hard-budget tests' client side: one request through a proxy as USER+PROJECT with curl -i, so
// the answer's head is seen too.

import { expect } from 'bun:test'
import { curl, type Harness } from '../helpers/proxy-harness.ts'

export interface Sent {
  status: number
  headers: Record<string, string>
  body: string
}

export async function sendAs(
  proxy: Harness,
  who: string,
  url: string,
  body: string,
  headers: string[] = [],
): Promise<Sent> {
  const args = ['--proxy', proxy.proxyUrl, '--proxy-user', `${who}:t`, '--cacert', proxy.caPath]
  for (const h of headers) args.push('-H', h)
  const r = await curl([
    ...args,
    '-i',
    '--suppress-connect-headers',
    '-H',
    'content-type: application/json',
    '-d',
    body,
    url,
  ])
  expect(r.code).toBe(0)
  return parse(r.stdout.toString())
}

function parse(text: string): Sent {
  const at = text.indexOf('\r\n\r\n')
  const [status, ...lines] = text.slice(0, at).split('\r\n')
  const headers: Record<string, string> = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    headers[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim()
  }
  return { status: Number(status?.split(' ')[1]), headers, body: text.slice(at + 4) }
}
