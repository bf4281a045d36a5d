import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'
import { interceptPatternsFromEnv } from './patterns.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-patterns-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('intercept patterns with their source', () => {
  test('built-in, TOKENTAP_INTERCEPT_HOSTS, then TOKENTAP_PROVIDERS hosts, each once', () => {
    const file = join(dir, 'providers.json')
    writeFileSync(
      file,
      JSON.stringify({
        providers: [
          { name: 'acme', hosts: ['llm.acme.example', 'api.openai.com'], dialect: 'openai-chat' },
        ],
      }),
    )
    const patterns = interceptPatternsFromEnv({
      TOKENTAP_INTERCEPT_HOSTS: 'llm.internal.example, *.gw.example',
      TOKENTAP_PROVIDERS: file,
    })
    expect(
      patterns.slice(0, BUILTIN_INTERCEPT_HOSTS.length).every((p) => p.source === 'built-in'),
    ).toBe(true)
    expect(patterns.slice(BUILTIN_INTERCEPT_HOSTS.length)).toEqual([
      { pattern: 'llm.internal.example', source: 'TOKENTAP_INTERCEPT_HOSTS' },
      { pattern: '*.gw.example', source: 'TOKENTAP_INTERCEPT_HOSTS' },
      { pattern: 'llm.acme.example', source: 'TOKENTAP_PROVIDERS' },
    ])
  })

  test('a bad providers file is a configuration error naming the variable', () => {
    expect(() =>
      interceptPatternsFromEnv({ TOKENTAP_PROVIDERS: join(dir, 'missing.json') }),
    ).toThrow(/TOKENTAP_PROVIDERS/)
  })
})
