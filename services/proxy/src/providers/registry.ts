// Picks the dialect for an intercepted exchange by host: which provider, which wire format.

import type { ProviderDialect } from '@tokentap/shared'
import { anthropicDialect } from './anthropic/parser.ts'
import { amazonQDialect } from './bedrock/amazon-q.ts'
import { bedrockDialect } from './bedrock/bedrock.ts'
import { geminiDialect } from './gemini/gemini.ts'
import { noneDialect } from './none.ts'
import { openaiDialect } from './openai/index.ts'

const PROVIDER_BY_HOST: [RegExp, string][] = [
  [/^api\.anthropic\.com$/, 'anthropic'],
  [/^api\.openai\.com$|^chatgpt\.com$/, 'openai'],
  [/\.openai\.azure\.com$/, 'azure-openai'],
  [/^generativelanguage\.googleapis\.com$|^cloudcode-pa\.googleapis\.com$/, 'gemini'],
  [/aiplatform\.googleapis\.com$/, 'vertex'],
  [/^bedrock-runtime\./, 'bedrock'],
  [/^(q|codewhisperer)\..*\.amazonaws\.com$/, 'amazon-q'],
  [/^openrouter\.ai$/, 'openrouter'],
  [/^api\.groq\.com$/, 'groq'],
  [/^api\.x\.ai$/, 'xai'],
  [/^api\.deepseek\.com$/, 'deepseek'],
  [/^api\.mistral\.ai$/, 'mistral'],
  [/^api\.githubcopilot\.com$/, 'github-copilot'],
]

const OPENAI_COMPATIBLE = new Set([
  'openai',
  'azure-openai',
  'openrouter',
  'groq',
  'xai',
  'deepseek',
  'mistral',
  'github-copilot',
])

export function providerForHost(host: string): string {
  const h = host.toLowerCase()
  for (const [re, name] of PROVIDER_BY_HOST) if (re.test(h)) return name
  return h
}

export interface RegistryOptions {
  /** See OpenAIDialectOptions.injectStreamUsage. */
  injectStreamUsage: boolean
}

function build(provider: string, opts: RegistryOptions): ProviderDialect {
  if (provider === 'anthropic') return anthropicDialect
  if (OPENAI_COMPATIBLE.has(provider)) {
    return openaiDialect(provider, { injectStreamUsage: opts.injectStreamUsage })
  }
  if (provider === 'gemini' || provider === 'vertex') return geminiDialect(provider)
  if (provider === 'bedrock') return bedrockDialect()
  if (provider === 'amazon-q') return amazonQDialect()
  return noneDialect(provider)
}

/** host → dialect. Dialects are stateless factories: one per provider, built on first use. */
export function createDialectRegistry(
  opts: RegistryOptions,
): (host: string, path: string) => ProviderDialect {
  const cache = new Map<string, ProviderDialect>()
  return (host) => {
    const provider = providerForHost(host)
    let d = cache.get(provider)
    if (!d) {
      d = build(provider, opts)
      cache.set(provider, d)
    }
    return d
  }
}

export const selectDialect = createDialectRegistry({ injectStreamUsage: true })
