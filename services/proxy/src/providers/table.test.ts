// The provider table: every host of the built-in intercept list is intercepted AND recorded under
// the same provider with the same wire format as before the table existed (hosts.ts and
// registry.ts used to keep two lists that had to agree; the expectations below were taken from
// them). A dialect's wire format is recognised by how it classifies a set of probe paths.

import { describe, expect, test } from 'bun:test'
import type { ProviderDialect } from '@tokentap/shared'
import { BUILTIN_INTERCEPT_HOSTS, createHostMatcher } from '../intercept/hosts.ts'
import { anthropicDialect } from './anthropic/parser.ts'
import { amazonQDialect } from './bedrock/amazon-q.ts'
import { bedrockDialect } from './bedrock/bedrock.ts'
import { geminiDialect } from './gemini/gemini.ts'
import { noneDialect } from './none.ts'
import { openaiDialect } from './openai/index.ts'
import { providerForHost, selectDialect } from './registry.ts'

const PROBES = [
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/v1/chat/completions',
  '/v1/responses',
  '/v1beta/models/g:generateContent',
  '/v1/projects/p/locations/l/publishers/anthropic/models/c:rawPredict',
  '/model/m/converse',
  '/generateAssistantResponse',
]

/** How a dialect reads each probe path (endpoint, billable), and what else it offers. */
function fingerprint(dialect: ProviderDialect): string[] {
  const reads = PROBES.map((path) => {
    const meta = { host: 'h', method: 'POST', path, requestHeaders: {} }
    const usage = dialect.createParser(meta).end()
    return `${usage.endpoint} ${usage.billable}`
  })
  return [
    ...reads,
    `ws ${dialect.createWsParser !== undefined}`,
    `rewrite ${dialect.rewriteRequest !== undefined}`,
  ]
}

const KINDS: [string, ProviderDialect][] = [
  ['anthropic', anthropicDialect],
  ['openai', openaiDialect('x')],
  ['gemini', geminiDialect('x')],
  ['bedrock', bedrockDialect('x')],
  ['amazon-q', amazonQDialect('x')],
  ['none', noneDialect('x')],
]
const kindOf = (dialect: ProviderDialect): string => {
  const print = JSON.stringify(fingerprint(dialect))
  const kinds = KINDS.filter(([, d]) => JSON.stringify(fingerprint(d)) === print)
  return kinds.length === 1 ? (kinds[0]?.[0] ?? '?') : `ambiguous: ${kinds.map((k) => k[0])}`
}

test('the probes tell every wire format apart', () => {
  expect(KINDS.map(([, d]) => kindOf(d))).toEqual(KINDS.map(([name]) => name))
})

/** Hosts of the built-in intercept list (each glob with sample labels) → provider, wire format. */
const BUILTIN_HOSTS: [string, string, string][] = [
  ['api.anthropic.com', 'anthropic', 'anthropic'],
  ['API.Anthropic.com', 'anthropic', 'anthropic'],
  ['api.openai.com', 'openai', 'openai'],
  ['chatgpt.com', 'openai', 'openai'],
  ['generativelanguage.googleapis.com', 'gemini', 'gemini'],
  ['cloudcode-pa.googleapis.com', 'gemini', 'gemini'],
  ['us-central1-aiplatform.googleapis.com', 'vertex', 'gemini'],
  ['europe-west4-aiplatform.googleapis.com', 'vertex', 'gemini'],
  ['aiplatform.googleapis.com', 'vertex', 'gemini'],
  ['bedrock-runtime.us-east-1.amazonaws.com', 'bedrock', 'bedrock'],
  ['bedrock-runtime.eu-central-1.amazonaws.com', 'bedrock', 'bedrock'],
  ['q.us-east-1.amazonaws.com', 'amazon-q', 'amazon-q'],
  ['codewhisperer.us-east-1.amazonaws.com', 'amazon-q', 'amazon-q'],
  ['myres.openai.azure.com', 'azure-openai', 'openai'],
  ['x-1.openai.azure.com', 'azure-openai', 'openai'],
  ['openrouter.ai', 'openrouter', 'openai'],
  ['api.groq.com', 'groq', 'openai'],
  ['api.x.ai', 'xai', 'openai'],
  ['api.deepseek.com', 'deepseek', 'openai'],
  ['api.mistral.ai', 'mistral', 'openai'],
  ['api.githubcopilot.com', 'github-copilot', 'openai'],
]

/** Hosts outside the list: not intercepted by default, recorded under their own name, unread. */
const OTHER_HOSTS = [
  'llm.internal',
  'github.com',
  'anthropic.com',
  'api.anthropic.com.evil.com',
  'q.amazonaws.com',
]

describe('built-in hosts keep their provider and wire format', () => {
  const intercepts = createHostMatcher(BUILTIN_INTERCEPT_HOSTS)

  test('every built-in glob is exercised by a sample host', () => {
    for (const glob of BUILTIN_INTERCEPT_HOSTS) {
      const one = createHostMatcher([glob])
      expect([glob, BUILTIN_HOSTS.some(([host]) => one(host))]).toEqual([glob, true])
    }
  })

  test.each(BUILTIN_HOSTS)('%s → %s (%s)', (host, provider, kind) => {
    expect(intercepts(host)).toBe(true)
    expect(providerForHost(host)).toBe(provider)
    const dialect = selectDialect(host, '/')
    expect(dialect.provider).toBe(provider)
    expect(kindOf(dialect)).toBe(kind)
  })

  test.each(OTHER_HOSTS)('%s: not intercepted by default, recorded as unknown', (host) => {
    expect(intercepts(host)).toBe(false)
    expect(providerForHost(host)).toBe(host)
    expect(kindOf(selectDialect(host, '/'))).toBe('none')
  })
})
