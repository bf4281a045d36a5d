// Validation of the TOKENTAP_PROVIDERS file: good shapes load, bad ones fail naming the field.

import { describe, expect, test } from 'bun:test'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConfigError } from '@tokentap/shared'
import { loadProvidersConfig, parseProvidersConfig } from './config.ts'

const good = {
  providers: [
    {
      name: 'acme-llm',
      hosts: ['llm.acme.internal', '*.llm.acme.io'],
      paths: ['/v1/chat/*'],
      dialect: 'openai-chat',
    },
    {
      name: 'acme-raw',
      hosts: ['RAW.acme.io'],
      fields: {
        model: 'model',
        inputTokens: 'usage.in',
        outputTokens: 'usage.out',
        sse: { event: 'done' },
      },
    },
  ],
  captureUnknown: false,
}

const errorOf = (value: unknown): string => {
  try {
    parseProvidersConfig(value)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

const withProvider = (patch: Record<string, unknown>, drop: string[] = []) => {
  const p: Record<string, unknown> = { name: 'p', hosts: ['h.io'], dialect: 'gemini', ...patch }
  for (const k of drop) delete p[k]
  return { providers: [good.providers[0], p] }
}

describe('parseProvidersConfig', () => {
  test('accepts the documented shape (hosts lower-cased, captureUnknown defaults false)', () => {
    const cfg = parseProvidersConfig(good)
    expect(cfg.providers[1]?.hosts).toEqual(['raw.acme.io'])
    expect(cfg.providers[1]?.fields?.sse).toEqual({ event: 'done' })
    expect(parseProvidersConfig({ providers: [] })).toEqual({
      providers: [],
      captureUnknown: false,
    })
  })

  test('streamUsage: an openai-chat provider may opt in to include_usage (absent by default)', () => {
    const opted = parseProvidersConfig(
      withProvider({ dialect: 'openai-chat', streamUsage: 'inject' }),
    )
    expect(opted.providers[1]?.streamUsage).toBe('inject')
    expect(
      parseProvidersConfig(withProvider({ dialect: 'openai-chat' })).providers[1],
    ).not.toHaveProperty('streamUsage')
  })

  const cases: [string, unknown, string][] = [
    ['not an object', [], 'config: must be an object'],
    ['unknown top-level key', { providers: [], extra: 1 }, 'config.extra: unknown key'],
    ['providers missing', {}, 'providers: must be an array'],
    ['unknown provider key', withProvider({ host: 'x' }), 'providers[1].host: unknown key'],
    ['empty hosts', withProvider({ hosts: [] }), 'providers[1].hosts: must not be empty'],
    ['host with scheme', withProvider({ hosts: ['https://x.io'] }), 'providers[1].hosts[0]:'],
    [
      'host not a string',
      withProvider({ hosts: [3] }),
      'providers[1].hosts[0]: must be a non-empty',
    ],
    [
      'unknown dialect',
      withProvider({ dialect: 'cohere' }),
      'providers[1].dialect: unknown dialect "cohere"',
    ],
    [
      'neither dialect nor fields',
      withProvider({}, ['dialect']),
      'providers[1]: needs exactly one',
    ],
    ['both', withProvider({ fields: { inputTokens: 'a' } }), 'providers[1]: needs exactly one'],
    ['bad name', withProvider({ name: 'a b' }), 'providers[1].name:'],
    ['duplicate name', withProvider({ name: 'acme-llm' }), 'providers[1].name: duplicate name'],
    [
      'path w/o slash',
      withProvider({ paths: ['v1/*'] }),
      'providers[1].paths[0]: "v1/*" must start',
    ],
    [
      'field not a string',
      withProvider({ fields: { inputTokens: 5 } }, ['dialect']),
      'providers[1].fields.inputTokens: must be a string path',
    ],
    [
      'empty path segment',
      withProvider({ fields: { outputTokens: 'usage..out' } }, ['dialect']),
      'providers[1].fields.outputTokens: must be a string path',
    ],
    [
      'no token field',
      withProvider({ fields: { model: 'model' } }, ['dialect']),
      'providers[1].fields: needs at least inputTokens or outputTokens',
    ],
    [
      'unknown field key',
      withProvider({ fields: { inputTokens: 'a', total: 'b' } }, ['dialect']),
      'providers[1].fields.total: unknown key',
    ],
    [
      'bad sse event',
      withProvider({ fields: { inputTokens: 'a', sse: { event: 1 } } }, ['dialect']),
      'providers[1].fields.sse.event: must be a non-empty string',
    ],
    [
      'unknown streamUsage mode',
      withProvider({ dialect: 'openai-chat', streamUsage: 'sometimes' }),
      'providers[1].streamUsage: unknown mode "sometimes" (known: inject, always, never-inject)',
    ],
    [
      'streamUsage on a dialect without chat streams',
      withProvider({ streamUsage: 'inject' }),
      'providers[1].streamUsage: only for "dialect": "openai-chat"',
    ],
    [
      'streamUsage on a field map',
      withProvider({ fields: { inputTokens: 'a' }, streamUsage: 'inject' }, ['dialect']),
      'providers[1].streamUsage: only for "dialect": "openai-chat"',
    ],
    [
      'captureUnknown not bool',
      { providers: [], captureUnknown: 'yes' },
      'captureUnknown: must be',
    ],
  ]
  for (const [label, value, message] of cases) {
    test(`rejects: ${label}`, () => {
      expect(errorOf(value)).toStartWith(`TOKENTAP_PROVIDERS: ${message}`)
    })
  }
})

describe('loadProvidersConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tokentap-providers-'))
  test('reads a file; missing and invalid JSON files are ConfigErrors', () => {
    const file = join(dir, 'providers.json')
    writeFileSync(file, JSON.stringify(good))
    expect(loadProvidersConfig(file).providers.map((p) => p.name)).toEqual(['acme-llm', 'acme-raw'])
    expect(() => loadProvidersConfig(join(dir, 'nope.json'))).toThrow(/cannot read .*ENOENT/)
    writeFileSync(file, '{"providers": [')
    expect(() => loadProvidersConfig(file)).toThrow(/TOKENTAP_PROVIDERS: .* is not valid JSON/)
  })
})
