// The dialect registry: each wire format's dialect factory, and host → dialect for the built-in
// providers (table.ts); a host no entry matches is its own provider, recorded without usage.
// TOKENTAP_PROVIDERS entries name their wire format too (custom/providers.ts).

import type { ProviderDialect } from '@tokentap/shared'
import { anthropicMessagesDialect } from './anthropic/parser.ts'
import { amazonQDialect } from './bedrock/amazon-q.ts'
import { bedrockDialect } from './bedrock/bedrock.ts'
import type { BuiltinDialectName } from './custom/config.ts'
import { geminiDialect } from './gemini/gemini.ts'
import { noneDialect } from './none.ts'
import {
  openaiChatDialect,
  openaiDialect,
  openaiResponsesDialect,
  type StreamUsageOptions,
} from './openai/index.ts'
import { builtinProviderFor, type WireFormat } from './table.ts'

export interface RegistryOptions {
  /** TOKENTAP_INJECT_STREAM_USAGE: off, no request is ever asked for stream usage. */
  injectStreamUsage: boolean
}

type DialectFactory = (provider: string, opts: StreamUsageOptions) => ProviderDialect

/** The built-in table's wire formats and those a TOKENTAP_PROVIDERS entry may name. */
const WIRE_FORMATS: Record<WireFormat | BuiltinDialectName, DialectFactory> = {
  anthropic: (provider) => anthropicMessagesDialect(provider),
  openai: (provider, opts) => openaiDialect(provider, opts),
  'openai-chat': (provider, opts) => openaiChatDialect(provider, opts),
  'openai-responses': (provider) => openaiResponsesDialect(provider),
  gemini: (provider) => geminiDialect(provider),
  bedrock: (provider) => bedrockDialect(provider),
  'amazon-q': (provider) => amazonQDialect(provider),
}

/** The dialect reading `format`, recording under `provider`; `opts` matter to OpenAI chat
 *  streams only (no `streamUsage`: `never-inject`, the field is never added). */
export function wireFormatDialect(
  format: WireFormat | BuiltinDialectName,
  provider: string,
  opts: StreamUsageOptions = {},
): ProviderDialect {
  return WIRE_FORMATS[format](provider, opts)
}

/** host → dialect. Dialects are stateless factories: one per provider, built on first use. */
export function createDialectRegistry(
  opts: RegistryOptions,
): (host: string, path: string) => ProviderDialect {
  const cache = new Map<string, ProviderDialect>()
  return (host) => {
    const builtin = builtinProviderFor(host)
    const provider = builtin?.name ?? host.toLowerCase()
    let d = cache.get(provider)
    if (!d) {
      d = builtin
        ? wireFormatDialect(builtin.dialect, provider, {
            injectStreamUsage: opts.injectStreamUsage,
            ...(builtin.dialect === 'openai' ? { streamUsage: builtin.streamUsage } : {}),
          })
        : noneDialect(provider)
      cache.set(provider, d)
    }
    return d
  }
}
