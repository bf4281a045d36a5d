// Host/path matching of user-defined providers, built-in dialects under the provider's name, and
// the capture-unknown dialect.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta } from '@tokentap/shared'
import { runExchange } from '../testing/replay.ts'
import { parseProvidersConfig } from './config.ts'
import { createCustomProviders, pathGlobToRegExp, unknownDialect } from './providers.ts'

const config = parseProvidersConfig({
  providers: [
    {
      name: 'acme-llm',
      hosts: ['llm.acme.internal', '*.llm.acme.io'],
      paths: ['/v1/chat/*'],
      dialect: 'openai-chat',
    },
    {
      name: 'acme-vllm',
      hosts: ['vllm.acme.internal'],
      dialect: 'openai-chat',
      streamUsage: 'inject',
    },
    {
      name: 'acme-claude',
      hosts: ['claude.acme.io'],
      paths: ['/v1/**/messages', '/v1/messages'],
      dialect: 'anthropic',
    },
    {
      name: 'acme-raw',
      hosts: ['raw.acme.io', '*.llm.acme.io'],
      fields: { inputTokens: 'usage.in' },
    },
  ],
  captureUnknown: true,
})
const custom = createCustomProviders(config)
const meta = (host: string, path: string): ExchangeMeta => ({
  host,
  method: 'POST',
  path,
  requestHeaders: {},
})
const json = { 'content-type': 'application/json' }
const run = (host: string, path: string, body: string) => {
  const dialect = custom.match(host, path)
  if (dialect === null) throw new Error(`no match for ${host}${path}`)
  const bytes = new TextEncoder().encode(body)
  return runExchange(dialect, meta(host, path), { status: 200, headers: json }, [], [bytes])
}

describe('matching', () => {
  test('exposes the host globs (deduplicated) and the capture flag', () => {
    expect(custom.hosts).toEqual([
      'llm.acme.internal',
      '*.llm.acme.io',
      'vllm.acme.internal',
      'claude.acme.io',
      'raw.acme.io',
    ])
    expect(custom.captureUnknown).toBe(true)
  })

  test('host globs: * is one label, case and trailing dot ignored', () => {
    expect(custom.match('eu.llm.acme.io', '/v1/chat/completions')?.provider).toBe('acme-llm')
    expect(custom.match('LLM.ACME.INTERNAL.', '/v1/chat/completions')?.provider).toBe('acme-llm')
    expect(custom.match('a.b.llm.acme.io', '/v1/chat/completions')).toBeNull()
    expect(custom.match('llm.acme.io', '/v1/chat/completions')).toBeNull()
    expect(custom.match('api.openai.com', '/v1/chat/completions')).toBeNull()
  })

  test('path globs: query ignored; first matching provider wins, else the next one', () => {
    expect(custom.match('llm.acme.internal', '/v1/chat/completions?x=1')?.provider).toBe('acme-llm')
    expect(custom.match('llm.acme.internal', '/v1/chat/a/b')).toBeNull()
    expect(custom.match('llm.acme.internal', '/v2/chat/completions')).toBeNull()
    // *.llm.acme.io: acme-llm only on /v1/chat/*, acme-raw (no paths) everywhere else.
    expect(custom.match('x.llm.acme.io', '/v1/embeddings')?.provider).toBe('acme-raw')
    expect(custom.match('raw.acme.io', '/')?.provider).toBe('acme-raw')
    expect(custom.match('claude.acme.io', '/v2/messages')).toBeNull()
    expect(custom.match('claude.acme.io', '/v1/a/b/messages')?.provider).toBe('acme-claude')
  })

  test('pathGlobToRegExp', () => {
    expect(pathGlobToRegExp('/v1/*/x').test('/v1/ab/x')).toBe(true)
    expect(pathGlobToRegExp('/v1/*/x').test('/v1/a/b/x')).toBe(false)
    expect(pathGlobToRegExp('/v1/**').test('/v1/a/b/x')).toBe(true)
    expect(pathGlobToRegExp('/v1.0/*').test('/v1x0/a')).toBe(false)
  })
})

describe('built-in dialects under the provider name', () => {
  test('openai-chat', () => {
    const body = JSON.stringify({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      model: 'acme-7b',
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
    })
    expect(run('llm.acme.internal', '/v1/chat/completions', body)).toMatchObject({
      provider: 'acme-llm',
      model: 'acme-7b',
      inputTokens: 12,
      outputTokens: 5,
      usageSource: 'provider',
    })
  })

  test('anthropic (fixed-name dialect, renamed)', () => {
    const body = JSON.stringify({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-x',
      content: [],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, output_tokens: 4, cache_read_input_tokens: 3 },
    })
    const usage = run('claude.acme.io', '/v1/messages', body)
    expect(usage).toMatchObject({ provider: 'acme-claude', inputTokens: 10, outputTokens: 4 })
    expect(custom.match('claude.acme.io', '/v1/messages')?.provider).toBe('acme-claude')
  })
})

describe('streamed usage of custom OpenAI-compatible hosts', () => {
  const chat = (host: string): ExchangeMeta => ({
    ...meta(host, '/v1/chat/completions'),
    requestHeaders: { 'content-type': 'application/json' },
  })
  const stream = new TextEncoder().encode('{"model":"m","stream":true,"messages":[]}')

  test('never asked by default: a field the host may not know is never sent', () => {
    const dialect = custom.match('llm.acme.internal', '/v1/chat/completions')!
    expect(dialect.wantsRequestBody?.(chat('llm.acme.internal')) ?? false).toBe(false)
    expect(dialect.rewriteRequest).toBeUndefined()
  })

  test('`streamUsage: "inject"` opts in; TOKENTAP_INJECT_STREAM_USAGE=0 still wins', () => {
    const dialect = custom.match('vllm.acme.internal', '/v1/chat/completions')!
    expect(dialect.wantsRequestBody?.(chat('vllm.acme.internal'))).toBe(true)
    const out = dialect.rewriteRequest?.(chat('vllm.acme.internal'), stream)
    expect(JSON.parse(new TextDecoder().decode(out!.body)).stream_options).toEqual({
      include_usage: true,
    })
    const off = createCustomProviders(config, { injectStreamUsage: false })
    expect(off.match('vllm.acme.internal', '/v1/chat/completions')!.rewriteRequest).toBeUndefined()
  })
})

test('unknownDialect: provider = host, usageSource none, not billable, endpoint = path', () => {
  const d = unknownDialect('Weird.Example.com')
  const usage = runExchange(
    d,
    meta('weird.example.com', '/v3/x?y=1'),
    { status: 200, headers: json },
    [],
    [],
  )
  expect(usage).toEqual({
    provider: 'weird.example.com',
    endpoint: '/v3/x',
    stream: false,
    usageSource: 'none',
    billable: false,
  })
})
