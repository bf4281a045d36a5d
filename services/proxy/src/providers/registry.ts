// Picks the dialect for an intercepted exchange by host (and later path).

import type { ProviderDialect } from '@tokentap/shared'
import { anthropicDialect } from './anthropic/parser.ts'
import { noneDialect } from './none.ts'

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

export function providerForHost(host: string): string {
  const h = host.toLowerCase()
  for (const [re, name] of PROVIDER_BY_HOST) if (re.test(h)) return name
  return h
}

export function selectDialect(host: string, _path: string): ProviderDialect {
  const provider = providerForHost(host)
  if (provider === 'anthropic') return anthropicDialect
  return noneDialect(provider)
}
