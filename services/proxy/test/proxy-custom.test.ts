// TOKENTAP_PROVIDERS end to end: a host that is not on the built-in list is decrypted and
// parsed with the dialect the file names, and an edit to the file applies without a restart.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type MockUpstream, startMockUpstream } from './helpers/mock-upstream.ts'
import { curl, type Harness, startProxy } from './helpers/proxy-harness.ts'

let mock: MockUpstream
let proxy: Harness
const dir = mkdtempSync(join(tmpdir(), 'tt-providers-'))
const file = join(dir, 'providers.json')
const providers = (name: string): string =>
  JSON.stringify({
    providers: [{ name, hosts: ['example.com'], paths: ['/llm/**'], dialect: 'openai-chat' }],
  })

beforeAll(async () => {
  writeFileSync(file, providers('acme'))
  mock = await startMockUpstream()
  mock.on('example.com', 'POST /llm/v1/chat/completions', () =>
    Response.json({
      id: 'chatcmpl-acme',
      model: 'acme-large',
      choices: [],
      usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 },
    }),
  )
  proxy = await startProxy({
    upstreamPort: mock.port,
    upstreamCaPath: mock.caPath,
    env: { TOKENTAP_PROVIDERS: file },
  })
})

afterAll(async () => {
  await proxy.stop()
  await mock.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function call(): Promise<void> {
  // Trusting only the proxy's CA: this succeeds only if example.com is now intercepted.
  const r = await curl([
    '--proxy',
    proxy.proxyUrl,
    '--cacert',
    proxy.caPath,
    '-H',
    'content-type: application/json',
    '-d',
    '{"model":"acme-large"}',
    'https://example.com/llm/v1/chat/completions',
  ])
  expect(r.code).toBe(0)
}

describe('user-defined providers', () => {
  test('a configured host is intercepted and parsed with the named dialect', async () => {
    const before = proxy.sink.records.length
    await call()
    const rec = await proxy.sink.recordAfter(before)
    expect(rec).toMatchObject({
      provider: 'acme',
      host: 'example.com',
      model: 'acme-large',
      inputTokens: 50,
      outputTokens: 5,
      usageSource: 'provider',
    })
  })

  test('editing the file applies without a restart', async () => {
    writeFileSync(file, providers('acme-renamed'))
    for (let i = 0; i < 100; i++) {
      if (proxy.logs.some((l) => l.includes('TOKENTAP_PROVIDERS reloaded'))) break
      await Bun.sleep(20)
    }
    const before = proxy.sink.records.length
    await call()
    const rec = await proxy.sink.recordAfter(before)
    expect(rec?.provider).toBe('acme-renamed')
  })

  test('a broken edit keeps the last good providers and says so', async () => {
    writeFileSync(file, '{"providers": [{"name": "x"}]}')
    for (let i = 0; i < 100; i++) {
      if (proxy.logs.some((l) => l.includes('not reloaded'))) break
      await Bun.sleep(20)
    }
    expect(proxy.logs.some((l) => l.includes('TOKENTAP_PROVIDERS not reloaded'))).toBe(true)
    const before = proxy.sink.records.length
    await call()
    const rec = await proxy.sink.recordAfter(before)
    expect(rec?.provider).toBe('acme-renamed')
  })
})
