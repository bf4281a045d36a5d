// The dialects and intercept list in force: TOKENTAP_PROVIDERS entries first, then the built-in
// providers of the table, then TOKENTAP_INTERCEPT_HOSTS extras recorded under their own name.

import { afterAll, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadProxyConfig } from '../config.ts'
import { silentLogger } from '../log.ts'
import { dialectsAndHosts } from './configured.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-configured-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

test('custom entries first, then built-ins; intercept list = built-in + extras + custom', () => {
  const file = join(dir, 'providers.json')
  const acme = {
    name: 'acme',
    hosts: ['api.openai.com', 'llm.acme.example'],
    paths: ['/v1/chat/*'],
  }
  writeFileSync(
    file,
    JSON.stringify({ providers: [{ ...acme, dialect: 'openai-chat' }], captureUnknown: true }),
  )
  const config = loadProxyConfig({
    TOKENTAP_HOME: dir,
    TOKENTAP_PROVIDERS: file,
    TOKENTAP_INTERCEPT_HOSTS: 'llm.internal',
  })
  const configured = dialectsAndHosts(config, { log: silentLogger })
  try {
    expect(configured.dialectFor('api.openai.com', '/v1/chat/completions').provider).toBe('acme')
    expect(configured.dialectFor('api.openai.com', '/v1/responses').provider).toBe('openai')
    expect(configured.dialectFor('LLM.internal', '/x').provider).toBe('llm.internal')
    for (const host of ['api.anthropic.com', 'llm.acme.example', 'llm.internal']) {
      expect([host, configured.intercepts(host)]).toEqual([host, true])
    }
    expect(configured.intercepts('github.com')).toBe(false)
    expect(configured.captureUnknown()).toBe(true)
  } finally {
    configured.stopWatching()
  }
})
