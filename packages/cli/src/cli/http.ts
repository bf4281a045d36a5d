// HTTP to our own services: always direct (this process may have inherited HTTP_PROXY pointing
// at the proxy itself), with a timeout, and the dashboard's API key when one is set.

import type { Env } from '@tokentap/shared'
import { readString } from '@tokentap/shared'

/** Bun's fetch honours these; the CLI talks to loopback services directly. */
export function dropProxyEnv(): void {
  for (const v of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete process.env[v]
}

export function authHeaders(env: Env): Record<string, string> {
  const key = readString(env, 'DASHBOARD_API_KEY')
  return key ? { authorization: `Bearer ${key}` } : {}
}

export type Fetched<T> = { ok: true; status: number; body: T } | { ok: false; error: string }

export async function getText(
  url: string,
  timeoutMs: number,
  headers: Record<string, string> = {},
): Promise<Fetched<string>> {
  try {
    const r = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
    return { ok: true, status: r.status, body: await r.text() }
  } catch (e) {
    const err = e as Error
    const error = err.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : err.message
    return { ok: false, error: error.replace(/\. Is the computer able to access the url\?$/, '') }
  }
}
