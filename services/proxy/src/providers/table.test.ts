// The provider table: each entry's globs select exactly that provider and no two entries overlap;
// every host of the built-in intercept list is intercepted AND recorded under the same provider
// with the same wire format as before the table existed (intercept/hosts.ts and registry.ts kept
// two lists that had to agree; the expectations below were taken from them). A dialect's wire
// format is recognised by how it classifies a set of probe paths. OpenAI-compatible entries name
// their streamed-usage mode, and only `inject` hosts are ever asked for stream usage.

import { describe, expect, test } from 'bun:test'
import type { ProviderDialect } from '@tokentap/shared'
import { createHostMatcher } from '../intercept/hosts.ts'
import { anthropicDialect } from './anthropic/parser.ts'
import { amazonQDialect } from './bedrock/amazon-q.ts'
import { bedrockDialect } from './bedrock/bedrock.ts'
import { geminiDialect } from './gemini/gemini.ts'
import { noneDialect } from './none.ts'
import { openaiDialect } from './openai/index.ts'
import { createDialectRegistry } from './registry.ts'
import { BUILTIN_INTERCEPT_HOSTS, BUILTIN_PROVIDERS, builtinProviderFor } from './table.ts'

const selectDialect = createDialectRegistry({ injectStreamUsage: true })
const providerForHost = (host: string): string => builtinProviderFor(host)?.name ?? host

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
  // Whether a host's requests are rewritten is its streamed-usage mode, checked apart.
  return [...reads, `ws ${dialect.createWsParser !== undefined}`]
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

/** Hosts outside the list: not intercepted by default, recorded under their own name, unread.
 *  The old host → provider regexes were looser than the intercept globs: the last four were
 *  read by a built-in dialect when added to TOKENTAP_INTERCEPT_HOSTS; now the table's globs
 *  decide both (declare such a host in TOKENTAP_PROVIDERS with its `dialect`). */
const OTHER_HOSTS = [
  'llm.internal',
  'github.com',
  'anthropic.com',
  'api.anthropic.com.evil.com',
  'q.amazonaws.com',
  'a.b.openai.azure.com',
  'bedrock-runtime.a.b.amazonaws.com',
  'q.a.b.amazonaws.com',
  'x.aiplatform.googleapis.com',
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
    const dialect = selectDialect(host, '/')
    expect(dialect.provider).toBe(host)
    expect(kindOf(dialect)).toBe('none')
  })
})

/** A host both label patterns match (one `*` each at most), else null: a `*` is one or more
 *  label characters, so two patterns meet when their fixed prefixes and suffixes agree. */
function labelWitness(a: string, b: string): string | null {
  const [aPre = '', aSuf] = a.split('*')
  const [bPre = '', bSuf] = b.split('*')
  if (aSuf === undefined && bSuf === undefined) return a === b ? a : null
  if (aSuf === undefined) return createHostMatcher([b])(a) ? a : null
  if (bSuf === undefined) return createHostMatcher([a])(b) ? b : null
  const pre = aPre.length >= bPre.length ? aPre : bPre
  const suf = aSuf.length >= bSuf.length ? aSuf : bSuf
  const agree =
    pre.startsWith(aPre) && pre.startsWith(bPre) && suf.endsWith(aSuf) && suf.endsWith(bSuf)
  return agree ? `${pre}z${suf}` : null
}

/** A host both globs match, else null (a `*` never spans a dot: labels pair up one to one). */
function globWitness(a: string, b: string): string | null {
  const al = a.toLowerCase().split('.')
  const bl = b.toLowerCase().split('.')
  if (al.length !== bl.length) return null
  const labels = al.map((label, i) => labelWitness(label, bl[i] ?? ''))
  return labels.every((l) => l !== null) ? labels.join('.') : null
}

describe('the table', () => {
  const globs = BUILTIN_PROVIDERS.flatMap((p) => p.hosts.map((glob) => ({ glob, provider: p })))

  test('names are unique; globs have at most one * per label', () => {
    const names = BUILTIN_PROVIDERS.map((p) => p.name)
    expect(new Set(names).size).toBe(names.length)
    for (const { glob } of globs) {
      expect([glob, glob.split('.').every((l) => l.split('*').length <= 2)]).toEqual([glob, true])
    }
  })

  test('the overlap check finds overlaps', () => {
    expect(globWitness('*.openai.azure.com', 'x-*.openai.azure.com')).toBe('x-z.openai.azure.com')
    expect(globWitness('*-aiplatform.googleapis.com', 'us-*.googleapis.com')).toBe(
      'us-z-aiplatform.googleapis.com',
    )
    expect(globWitness('q.*.amazonaws.com', 'q.us-east-1.amazonaws.com')).toBe(
      'q.us-east-1.amazonaws.com',
    )
    expect(globWitness('*-aiplatform.googleapis.com', 'aiplatform.googleapis.com')).toBeNull()
    expect(globWitness('q.*.amazonaws.com', 'bedrock-runtime.*.amazonaws.com')).toBeNull()
  })

  test('no two providers overlap', () => {
    for (const a of globs) {
      for (const b of globs) {
        if (a.provider === b.provider) continue
        expect([a.glob, b.glob, globWitness(a.glob, b.glob)]).toEqual([a.glob, b.glob, null])
      }
    }
  })

  test('each glob selects its provider, read in its wire format', () => {
    for (const { glob, provider } of globs) {
      const host = glob.replaceAll('*', 'us-east-1')
      expect([host, builtinProviderFor(host)]).toEqual([host, provider])
      const dialect = selectDialect(host, '/')
      expect([host, dialect.provider, kindOf(dialect)]).toEqual([
        host,
        provider.name,
        provider.dialect,
      ])
    }
  })

  test('OpenAI-compatible hosts: streamed usage asked for only where documented and needed', () => {
    const modes = Object.fromEntries(
      BUILTIN_PROVIDERS.flatMap((p) => (p.dialect === 'openai' ? [[p.name, p.streamUsage]] : [])),
    )
    expect(modes).toEqual({
      openai: 'inject',
      'azure-openai': 'inject',
      openrouter: 'always',
      groq: 'always',
      xai: 'inject',
      deepseek: 'always',
      mistral: 'always',
      'github-copilot': 'always',
    })
    const chat = (host: string) => ({
      host,
      method: 'POST',
      path: '/v1/chat/completions',
      requestHeaders: { 'content-type': 'application/json' },
    })
    for (const provider of BUILTIN_PROVIDERS) {
      const host = provider.hosts[0]!.replaceAll('*', 'x')
      const dialect = selectDialect(host, '/')
      const asks = provider.dialect === 'openai' && provider.streamUsage === 'inject'
      expect([host, dialect.wantsRequestBody?.(chat(host)) ?? false]).toEqual([host, asks])
      expect([host, dialect.rewriteRequest !== undefined]).toEqual([host, asks])
    }
  })

  test("the intercept list is every provider's globs, in table order", () => {
    expect(BUILTIN_INTERCEPT_HOSTS).toEqual([
      'api.anthropic.com',
      'api.openai.com',
      'chatgpt.com',
      'generativelanguage.googleapis.com',
      'cloudcode-pa.googleapis.com',
      '*-aiplatform.googleapis.com',
      'aiplatform.googleapis.com',
      'bedrock-runtime.*.amazonaws.com',
      'q.*.amazonaws.com',
      'codewhisperer.*.amazonaws.com',
      '*.openai.azure.com',
      'openrouter.ai',
      'api.groq.com',
      'api.x.ai',
      'api.deepseek.com',
      'api.mistral.ai',
      'api.githubcopilot.com',
    ])
  })
})
