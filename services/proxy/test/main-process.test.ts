// `bun run proxy` as a real process: configuration errors fail fast naming the variable; a
// request through it lands in TOKENTAP_USAGE_LOG; SIGTERM exits 0 after in-flight work.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { UsageRecord } from '@tokentap/shared'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { curl } from './helpers/proxy-harness.ts'

const MAIN = join(import.meta.dir, '..', 'src', 'main.ts')
let mock: MockUpstream
let home: string

beforeAll(async () => {
  mock = await startMockUpstream()
  mock.on('api.anthropic.com', 'POST /v1/messages', () =>
    Response.json({
      id: 'msg_proc',
      model: 'claude-haiku-4-5',
      usage: { input_tokens: 7, output_tokens: 3 },
    }),
  )
  home = mkdtempSync(join(tmpdir(), 'tt-main-'))
})

afterAll(async () => {
  await mock.stop()
  rmSync(home, { recursive: true, force: true })
})

function spawnProxy(env: Record<string, string>) {
  return Bun.spawn(['bun', MAIN], {
    env: { PATH: process.env.PATH ?? '', HOME: home, ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
}

async function readUntil(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const reader = stream.getReader()
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    text += new TextDecoder().decode(value)
    if (pattern.test(text)) break
  }
  reader.releaseLock()
  return text
}

describe('bun run proxy', () => {
  test('a bad variable stops start-up with one clear message naming it', async () => {
    const p = spawnProxy({ PROXY_PORT: 'eighty' })
    expect(await p.exited).toBe(1)
    const err = await new Response(p.stderr).text()
    expect(err).toContain('configuration error: PROXY_PORT: expected an integer, got "eighty"')
  })

  test('a bad TOKENTAP_PRICES file stops start-up naming the variable', async () => {
    const bad = join(home, 'prices.json')
    await Bun.write(bad, '{"models": [{"provider": "anthropic"}]}')
    const p = spawnProxy({ TOKENTAP_PRICES: bad, PROXY_PORT: '0', TOKENTAP_HOME: join(home, 'x') })
    expect(await p.exited).toBe(1)
    expect(await new Response(p.stderr).text()).toContain('configuration error: TOKENTAP_PRICES:')
  })

  test('serves, records to the usage log, keeps the CA key private, exits 0 on SIGTERM', async () => {
    const log = join(home, 'usage.jsonl')
    const p = spawnProxy({
      TOKENTAP_HOME: join(home, '.tokentap'),
      PROXY_PORT: '0',
      TOKENTAP_USAGE_LOG: log,
      TOKENTAP_RESOLVE: `*:443=127.0.0.1:${mock.port}`,
      TOKENTAP_UPSTREAM_CA: mock.caPath,
    })
    const out = await readUntil(p.stderr, /listening on http:\/\/127\.0\.0\.1:(\d+)/)
    const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1]
    expect(port).toBeDefined()
    const caPath = join(home, '.tokentap', 'ca', 'ca.pem')
    expect(existsSync(caPath)).toBe(true)
    expect(statSync(join(home, '.tokentap', 'ca', 'ca-key.pem')).mode & 0o777).toBe(0o600)
    const r = await curl([
      '--proxy',
      `http://127.0.0.1:${port}`,
      '--cacert',
      caPath,
      '-d',
      '{"model":"claude-haiku-4-5"}',
      'https://api.anthropic.com/v1/messages',
    ])
    expect(r.code).toBe(0)
    p.kill('SIGTERM')
    expect(await p.exited).toBe(0)
    const lines = readFileSync(log, 'utf8').trim().split('\n')
    expect(lines.length).toBe(1)
    const rec = JSON.parse(lines[0]!) as UsageRecord
    expect(rec).toMatchObject({
      responseId: 'msg_proc',
      inputTokens: 7,
      outputTokens: 3,
      program: 'curl',
    })
  })
})
