// How an OpenAI-compatible host reports usage in a streamed Chat Completion, and so whether the
// proxy may ask for it (`stream_options.include_usage`, include-usage.ts) and hide what the
// question changes (usage-stripper.ts). The field is sent only to hosts that document it AND
// stream no usage without it: a host that does not know it may refuse the request (Mistral answers
// 422), and one that always reports usage gains nothing. The mode is a property of each provider
// (providers/table.ts; TOKENTAP_PROVIDERS `streamUsage`); TOKENTAP_INJECT_STREAM_USAGE=0 turns
// injection off everywhere. Pure.

import type { ExchangeMeta, ProviderDialect, RequestRewrite } from '@tokentap/shared'
import { injectIncludeUsage } from './include-usage.ts'
import { classifyOpenAIPath } from './paths.ts'
import { createUsageChunkStripper } from './usage-stripper.ts'

/**
 * - `inject`: documents `stream_options.include_usage` and streams usage only when asked (OpenAI,
 *   Azure OpenAI from the api-versions that document it, xAI): asked for when the client did not;
 * - `always`: streams usage unasked (Groq `x_groq.usage`, Mistral and DeepSeek on the finish chunk,
 *   OpenRouter, GitHub Copilot): never asked for;
 * - `never-inject`: not known to accept the field (unknown and custom hosts by default): never
 *   asked for; a stream that ends without usage is estimated and flagged.
 */
export const STREAM_USAGE_MODES = ['inject', 'always', 'never-inject'] as const
export type StreamUsage = (typeof STREAM_USAGE_MODES)[number]

export interface StreamUsageOptions {
  /** The host's mode (default `never-inject`). */
  streamUsage?: StreamUsage
  /** TOKENTAP_INJECT_STREAM_USAGE (default on): off, nothing is ever injected. */
  injectStreamUsage?: boolean
}

/** Azure's `api-version` from which `stream_options` is in the request schema (2024-09-01-preview,
 *  GA 2024-10-21); older versions answer 400 "Unknown parameter: 'stream_options'". */
export const FIRST_API_VERSION_WITH_STREAM_OPTIONS = '2024-09-01'

/** False when the path names an `api-version` older than the first one documenting
 *  `stream_options` (Azure-style versioning); true without one, or for `preview` / `latest`. */
export function apiVersionDocumentsStreamOptions(path: string): boolean {
  const query = path.indexOf('?')
  if (query < 0) return true
  const version = new URLSearchParams(path.slice(query + 1)).get('api-version')
  if (version === null) return true
  const date = /^(\d{4}-\d{2}-\d{2})(?:-preview)?$/.exec(version.trim())
  if (date === null) return !/^\d/.test(version.trim()) // `preview`, `latest`; odd dates: no
  return (date[1] ?? '') >= FIRST_API_VERSION_WITH_STREAM_OPTIONS
}

/** Whether streamed chat requests of this host are asked for usage. */
export const injects = (opts: StreamUsageOptions): boolean =>
  opts.streamUsage === 'inject' && opts.injectStreamUsage !== false

/** The injection hooks of a Chat Completions dialect (none when the host is not asked). */
export function streamUsageHooks(
  opts: StreamUsageOptions,
): Pick<ProviderDialect, 'wantsRequestBody' | 'rewriteRequest'> {
  if (!injects(opts)) return {}
  return {
    wantsRequestBody: (meta: ExchangeMeta) =>
      meta.method === 'POST' &&
      classifyOpenAIPath(meta.path).kind === 'chat' &&
      (meta.requestHeaders['content-type'] ?? '').includes('json') &&
      apiVersionDocumentsStreamOptions(meta.path),
    rewriteRequest: (_meta: ExchangeMeta, body: Uint8Array): RequestRewrite | null => {
      const r = injectIncludeUsage(body)
      return r.injected ? { body: r.body, createResponseFilter: createUsageChunkStripper } : null
    },
  }
}

/** Why a finished stream the client did not ask usage for carried none (for the record). */
export function missingStreamUsageReason(opts: StreamUsageOptions, path: string): string {
  const mode = opts.streamUsage ?? 'never-inject'
  if (mode === 'always') return 'stream without usage (this provider reports it unasked; none came)'
  if (mode === 'never-inject') {
    return 'stream without usage (the client did not ask for stream_options.include_usage, and this provider is not known to accept it)'
  }
  if (opts.injectStreamUsage === false) {
    return 'stream without usage (the client did not ask for stream_options.include_usage; TOKENTAP_INJECT_STREAM_USAGE is off)'
  }
  if (!apiVersionDocumentsStreamOptions(path)) {
    return `stream without usage (the client did not ask for stream_options.include_usage, which api-versions before ${FIRST_API_VERSION_WITH_STREAM_OPTIONS} do not accept)`
  }
  return 'stream without usage (the client did not ask for stream_options.include_usage; the proxy adds it only to bodies it can hold and edit: uncompressed JSON up to 1 MiB)'
}
