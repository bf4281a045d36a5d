// User-defined providers at run time: host globs for the intercept list, and host + path → dialect
// (a built-in wire format renamed to the provider, or the field-map dialect). Checked BEFORE the
// built-in registry, first matching provider wins. Plus the capture-unknown dialect.

import type { ExchangeParser, ProviderDialect } from '@tokentap/shared'
import { createHostMatcher, type HostMatcher, normaliseHost } from '../../intercept/hosts.ts'
import { anthropicDialect } from '../anthropic/parser.ts'
import { bedrockDialect } from '../bedrock/bedrock.ts'
import { barePath } from '../common/record.ts'
import { geminiDialect } from '../gemini/gemini.ts'
import { noneDialect } from '../none.ts'
import { openaiChatDialect, openaiResponsesDialect } from '../openai/index.ts'
import type { BuiltinDialectName, CustomProviderConfig, ProvidersConfig } from './config.ts'
import { fieldMapDialect } from './field-dialect.ts'

export interface CustomProviders {
  /** Host globs to add to the intercept list (same glob syntax as BUILTIN_INTERCEPT_HOSTS). */
  hosts: string[]
  /** The dialect of the first provider matching host and path, else null (use the built-ins). */
  match(host: string, path: string): ProviderDialect | null
  /** Record unmatched intercepted exchanges with `unknownDialect(host)`. */
  captureUnknown: boolean
}

/** Records every exchange under `provider` (for dialects whose name is fixed). */
function renamed(dialect: ProviderDialect, provider: string): ProviderDialect {
  const rename = (parser: ExchangeParser): ExchangeParser => ({
    pushRequest: (chunk) => parser.pushRequest(chunk),
    endRequest: (truncated) => parser.endRequest(truncated),
    onResponseHead: (status, headers) => parser.onResponseHead(status, headers),
    pushResponse: (chunk) => parser.pushResponse(chunk),
    end: () => ({ ...parser.end(), provider }),
    seenText: () => parser.seenText?.() ?? null,
  })
  return { provider, createParser: (meta) => rename(dialect.createParser(meta)) }
}

export function builtinDialect(kind: BuiltinDialectName, provider: string): ProviderDialect {
  switch (kind) {
    case 'anthropic':
      return renamed(anthropicDialect, provider)
    case 'openai-chat':
      return openaiChatDialect(provider)
    case 'openai-responses':
      return openaiResponsesDialect(provider)
    case 'gemini':
      return geminiDialect(provider)
    case 'bedrock':
      return bedrockDialect(provider)
  }
}

/** Path glob → RegExp: `**` spans segments, `*` stays within one. */
export function pathGlobToRegExp(glob: string): RegExp {
  const body = glob
    .split('**')
    .map((part) =>
      part
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('[^/]*'),
    )
    .join('.*')
  return new RegExp(`^${body}$`)
}

interface Entry {
  hosts: HostMatcher
  paths: RegExp[] | null
  dialect: ProviderDialect
}

function entryFor(p: CustomProviderConfig): Entry {
  const dialect =
    p.dialect !== undefined
      ? builtinDialect(p.dialect, p.name)
      : fieldMapDialect(p.name, p.fields ?? {})
  return {
    hosts: createHostMatcher(p.hosts),
    paths: p.paths === undefined ? null : p.paths.map(pathGlobToRegExp),
    dialect,
  }
}

export function createCustomProviders(config: ProvidersConfig): CustomProviders {
  const entries = config.providers.map(entryFor)
  const hosts = [...new Set(config.providers.flatMap((p) => p.hosts))]
  return {
    hosts,
    captureUnknown: config.captureUnknown,
    match(host, path) {
      const bare = barePath(path)
      for (const e of entries) {
        if (!e.hosts(host)) continue
        if (e.paths === null || e.paths.some((re) => re.test(bare))) return e.dialect
      }
      return null
    },
  }
}

/** Capture-unknown mode: usageSource none, provider = host, billable false, endpoint = path. */
export function unknownDialect(host: string): ProviderDialect {
  return noneDialect(normaliseHost(host))
}
