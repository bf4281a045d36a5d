import { describe, expect, test } from 'bun:test'
import { createHostMatcher } from '../intercept/hosts.ts'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'
import { permitsName } from './name-constraints.ts'
import { constraintsFor, dnsSubtreeOf, patternCovered, uncoveredPatterns } from './subtrees.ts'

describe('intercept patterns as name-constraint subtrees', () => {
  test('a glob becomes the fixed domain right of its last * label', () => {
    expect(dnsSubtreeOf('*.openai.azure.com')).toBe('openai.azure.com')
    expect(dnsSubtreeOf('bedrock-runtime.*.amazonaws.com')).toBe('amazonaws.com')
    expect(dnsSubtreeOf('*-aiplatform.googleapis.com')).toBe('googleapis.com')
    expect(dnsSubtreeOf('API.OpenAI.com.')).toBe('api.openai.com')
    expect(dnsSubtreeOf('api.*')).toBeNull()
    expect(dnsSubtreeOf('*')).toBeNull()
    expect(dnsSubtreeOf('bad host.example')).toBeNull()
  })

  test('the built-in list: minimal DNS subtrees, every IPv4/IPv6 address excluded', () => {
    expect(constraintsFor(BUILTIN_INTERCEPT_HOSTS)).toEqual({
      permittedDns: [
        'amazonaws.com',
        'chatgpt.com',
        'googleapis.com',
        'openrouter.ai',
        'api.anthropic.com',
        'api.deepseek.com',
        'api.githubcopilot.com',
        'api.groq.com',
        'api.mistral.ai',
        'api.openai.com',
        'api.x.ai',
        'openai.azure.com',
      ],
      permittedIps: [],
      excludedDns: [],
      excludedIps: ['0.0.0.0/0', '::/0'],
    })
  })

  test('every host the intercept matcher accepts is permitted, and others are not', () => {
    const nc = constraintsFor(BUILTIN_INTERCEPT_HOSTS)
    const intercepts = createHostMatcher(BUILTIN_INTERCEPT_HOSTS)
    const hosts = [
      'api.anthropic.com',
      'us-central1-aiplatform.googleapis.com',
      'bedrock-runtime.eu-west-3.amazonaws.com',
      'q.us-east-1.amazonaws.com',
      'myres.openai.azure.com',
      'generativelanguage.googleapis.com',
      'api.githubcopilot.com',
    ]
    for (const h of hosts) expect([h, intercepts(h), permitsName(nc, h)]).toEqual([h, true, true])
    for (const h of [
      'github.com',
      'www.google.com',
      'openai.com',
      'evil-api.openai.com.attacker.net',
    ]) {
      expect([h, permitsName(nc, h)]).toEqual([h, false])
    }
    for (const p of BUILTIN_INTERCEPT_HOSTS) expect([p, patternCovered(nc, p)]).toEqual([p, true])
  })

  test('IP literals are permitted one address each; the other family stays excluded', () => {
    const nc = constraintsFor(['api.openai.com', '10.0.0.5', '[fd00::5]'])
    expect(nc.permittedIps).toEqual(['10.0.0.5/32', 'fd00::5/128'])
    expect(nc.excludedIps).toEqual([])
    expect(constraintsFor(['api.openai.com', '10.0.0.5']).excludedIps).toEqual(['::/0'])
    expect(permitsName(nc, '10.0.0.6')).toBe(false)
    expect(() => constraintsFor(['10.0.0.5'])).toThrow(/no DNS name/)
  })

  test('hosts added after the CA was made are reported with their source', () => {
    const nc = constraintsFor(BUILTIN_INTERCEPT_HOSTS)
    const patterns = [
      { pattern: 'api.openai.com', source: 'built-in' as const },
      { pattern: 'llm.internal.example', source: 'TOKENTAP_INTERCEPT_HOSTS' as const },
      { pattern: '*.openai.azure.com', source: 'TOKENTAP_INTERCEPT_HOSTS' as const },
      { pattern: 'gw.*.example.org', source: 'TOKENTAP_PROVIDERS' as const },
      { pattern: 'api.*', source: 'TOKENTAP_INTERCEPT_HOSTS' as const },
      { pattern: '10.1.2.3', source: 'TOKENTAP_INTERCEPT_HOSTS' as const },
    ]
    expect(uncoveredPatterns(nc, patterns).map((p) => p.pattern)).toEqual([
      'llm.internal.example',
      'gw.*.example.org',
      'api.*',
      '10.1.2.3',
    ])
    expect(uncoveredPatterns(null, patterns)).toEqual([])
  })
})
