// Runs one of ./clients/*.ts in a child `bun` process configured like a real user's shell:
// HTTPS_PROXY at the proxy, NODE_EXTRA_CA_CERTS at its CA, fake API keys. Nothing else in the
// environment, so an SDK that ignored the proxy would try the real host and fail.

import { join } from 'node:path'

export interface ClientRun {
  code: number
  stdout: string
  stderr: string
}

const REPO_ROOT = join(import.meta.dir, '..', '..', '..', '..')

export async function runClient(
  client: 'anthropic' | 'openai' | 'genai' | 'mistral' | 'blocked',
  mode: string,
  proxy: { proxyUrl: string; caPath: string },
  timeoutMs = 8000,
): Promise<ClientRun> {
  const p = Bun.spawn(['bun', join(import.meta.dir, 'clients', `${client}.ts`), mode], {
    cwd: REPO_ROOT,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      HTTPS_PROXY: proxy.proxyUrl,
      NODE_EXTRA_CA_CERTS: proxy.caPath,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      OPENAI_API_KEY: 'sk-test',
      GEMINI_API_KEY: 'test',
      MISTRAL_API_KEY: 'mistral-test-key',
    },
  })
  const timer = setTimeout(() => p.kill(), timeoutMs)
  try {
    const [stdout, stderr, code] = await Promise.all([
      new Response(p.stdout).text(),
      new Response(p.stderr).text(),
      p.exited,
    ])
    return { code, stdout, stderr }
  } finally {
    clearTimeout(timer)
  }
}

/** The client's printed JSON; fails with its stderr when it did not exit cleanly. */
export async function clientJson<T>(...args: Parameters<typeof runClient>): Promise<T> {
  const r = await runClient(...args)
  if (r.code !== 0) throw new Error(`client exited ${r.code}: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}

/** One SSE event with an `event:` line (Anthropic, OpenAI Responses). */
export const namedEvent = (event: string, data: object): string =>
  `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

/** One `data:`-only SSE event (OpenAI chat, Gemini). */
export const dataEvent = (data: object | string): string =>
  `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`

export const sseResponse = (body: string): Response =>
  new Response(body, { headers: { 'content-type': 'text/event-stream; charset=utf-8' } })
