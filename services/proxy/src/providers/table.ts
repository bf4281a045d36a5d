// The built-in providers, each once: its name (the `provider` of its records), the host globs that
// both put it on the intercept list and select it for an intercepted host, and the wire format its
// exchanges are read in. The built-in intercept list and host → provider derive from this table,
// and registry.ts builds each wire format's dialect. No two entries' globs overlap (table.test.ts).
// Pure and light: `tokentap ca` reads the intercept list without loading a parser.

import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'

/** How a provider's exchanges are read. `openai`: Chat Completions and Responses (HTTP and
 *  WebSocket) with include_usage injection, the format of every OpenAI-compatible API. */
export type WireFormat = 'anthropic' | 'openai' | 'gemini' | 'bedrock' | 'amazon-q'

export interface BuiltinProvider {
  name: string
  /** Host globs (`*`: one or more DNS label characters, never a dot). */
  hosts: readonly string[]
  dialect: WireFormat
}

/** In intercept-list order (the order a new CA's name constraints are derived in). */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  { name: 'anthropic', hosts: ['api.anthropic.com'], dialect: 'anthropic' },
  { name: 'openai', hosts: ['api.openai.com', 'chatgpt.com'], dialect: 'openai' },
  {
    name: 'gemini',
    hosts: ['generativelanguage.googleapis.com', 'cloudcode-pa.googleapis.com'],
    dialect: 'gemini',
  },
  {
    name: 'vertex',
    hosts: ['*-aiplatform.googleapis.com', 'aiplatform.googleapis.com'],
    dialect: 'gemini',
  },
  { name: 'bedrock', hosts: ['bedrock-runtime.*.amazonaws.com'], dialect: 'bedrock' },
  {
    name: 'amazon-q',
    hosts: ['q.*.amazonaws.com', 'codewhisperer.*.amazonaws.com'],
    dialect: 'amazon-q',
  },
  { name: 'azure-openai', hosts: ['*.openai.azure.com'], dialect: 'openai' },
  { name: 'openrouter', hosts: ['openrouter.ai'], dialect: 'openai' },
  { name: 'groq', hosts: ['api.groq.com'], dialect: 'openai' },
  { name: 'xai', hosts: ['api.x.ai'], dialect: 'openai' },
  { name: 'deepseek', hosts: ['api.deepseek.com'], dialect: 'openai' },
  { name: 'mistral', hosts: ['api.mistral.ai'], dialect: 'openai' },
  { name: 'github-copilot', hosts: ['api.githubcopilot.com'], dialect: 'openai' },
]

/** The built-in intercept list: every provider's host globs, in table order. */
export const BUILTIN_INTERCEPT_HOSTS: readonly string[] = BUILTIN_PROVIDERS.flatMap((p) => p.hosts)

const MATCHERS: [HostMatcher, BuiltinProvider][] = BUILTIN_PROVIDERS.map((p) => [
  createHostMatcher(p.hosts),
  p,
])

/** The built-in provider whose globs match `host`, else null (the host is then its own provider). */
export function builtinProviderFor(host: string): BuiltinProvider | null {
  for (const [matches, provider] of MATCHERS) if (matches(host)) return provider
  return null
}
