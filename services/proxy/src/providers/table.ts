// The built-in providers, each once: its name (the `provider` of its records), the host globs that
// both put it on the intercept list and select it for an intercepted host, the wire format its
// exchanges are read in and, for OpenAI-compatible hosts, how their chat streams report usage
// (whether the proxy may add `stream_options.include_usage`). The built-in intercept list and
// host → provider derive from this table, and registry.ts builds each wire format's dialect. No
// two entries' globs overlap (table.test.ts). Pure and light: `tokentap ca` reads the intercept
// list without loading a parser.

import { createHostMatcher, type HostMatcher } from '../intercept/hosts.ts'
import type { StreamUsage } from './openai/stream-usage.ts'

/** How a provider's exchanges are read. `openai`: Chat Completions and Responses (HTTP and
 *  WebSocket), the format of every OpenAI-compatible API. */
export type WireFormat = 'anthropic' | 'openai' | 'gemini' | 'bedrock' | 'amazon-q'

interface ProviderEntry {
  name: string
  /** Host globs (`*`: one or more DNS label characters, never a dot). */
  hosts: readonly string[]
}

/** An OpenAI-compatible provider names its streamed-usage mode (openai/stream-usage.ts), from its
 *  documentation: `inject` only where the field is documented AND needed for usage. */
export type BuiltinProvider =
  | (ProviderEntry & { dialect: Exclude<WireFormat, 'openai'> })
  | (ProviderEntry & { dialect: 'openai'; streamUsage: StreamUsage })

/** In intercept-list order (the order a new CA's name constraints are derived in). */
export const BUILTIN_PROVIDERS: readonly BuiltinProvider[] = [
  { name: 'anthropic', hosts: ['api.anthropic.com'], dialect: 'anthropic' },
  // include_usage documented; without it a stream carries no usage.
  {
    name: 'openai',
    hosts: ['api.openai.com', 'chatgpt.com'],
    dialect: 'openai',
    streamUsage: 'inject',
  },
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
  // As OpenAI, from api-version 2024-09-01-preview / 2024-10-21 (older ones refuse the field).
  { name: 'azure-openai', hosts: ['*.openai.azure.com'], dialect: 'openai', streamUsage: 'inject' },
  // Usage (with `cost`) always in the last chunk; include_usage deprecated, "no effect".
  { name: 'openrouter', hosts: ['openrouter.ai'], dialect: 'openai', streamUsage: 'always' },
  // `x_groq.usage` on the finish chunk of every stream.
  { name: 'groq', hosts: ['api.groq.com'], dialect: 'openai', streamUsage: 'always' },
  // StreamOptions in xAI's OpenAPI: the usage chunk is sent when asked.
  { name: 'xai', hosts: ['api.x.ai'], dialect: 'openai', streamUsage: 'inject' },
  // The last chunk carries usage "either way" (with or without include_usage).
  { name: 'deepseek', hosts: ['api.deepseek.com'], dialect: 'openai', streamUsage: 'always' },
  // No stream_options in its API (422 when sent); usage on the finish chunk.
  { name: 'mistral', hosts: ['api.mistral.ai'], dialect: 'openai', streamUsage: 'always' },
  // Copilot's proxy has include_usage hard-coded on: a usage chunk ends every stream.
  {
    name: 'github-copilot',
    hosts: ['api.githubcopilot.com'],
    dialect: 'openai',
    streamUsage: 'always',
  },
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
