// OpenAI-style dialects: Chat Completions (chat.ts), Responses over HTTP and WebSocket
// (responses.ts), and `openaiDialect`, which picks between them by path for hosts that serve both
// (api.openai.com, Azure, xAI, OpenRouter, Groq, chatgpt.com). Plus the include_usage injection
// and its client-side stripper, for the proxy to wire.

import type { ProviderDialect } from '@tokentap/shared'
import { openaiChatDialect } from './chat.ts'
import { injectIncludeUsage } from './include-usage.ts'
import { classifyOpenAIPath, isResponsesKind } from './paths.ts'
import { openaiResponsesDialect } from './responses.ts'
import { createUsageChunkStripper } from './usage-stripper.ts'

export { openaiChatDialect } from './chat.ts'
export { injectIncludeUsage } from './include-usage.ts'
export { openaiResponsesDialect } from './responses.ts'
export { createUsageChunkStripper, type UsageChunkStripper } from './usage-stripper.ts'

export interface OpenAIDialectOptions {
  /** Ask streamed Chat Completions for usage when the client did not, and hide the extra usage
   *  chunk from the client (TOKENTAP_INJECT_STREAM_USAGE, default on). */
  injectStreamUsage?: boolean
}

/** Chat Completions, Completions, Embeddings and Responses (HTTP + WebSocket) under one name. */
export function openaiDialect(provider: string, opts: OpenAIDialectOptions = {}): ProviderDialect {
  const inject = opts.injectStreamUsage ?? true
  const chat = openaiChatDialect(provider)
  const responses = openaiResponsesDialect(provider)
  return {
    provider,
    createParser: (meta) =>
      isResponsesKind(classifyOpenAIPath(meta.path).kind)
        ? responses.createParser(meta)
        : chat.createParser(meta),
    // Only the Responses API is read over WebSocket; other sockets (e.g. /v1/realtime) yield none.
    createWsParser: (meta) =>
      classifyOpenAIPath(meta.path).kind === 'responses'
        ? responses.createWsParser!(meta)
        : { onMessage: () => [], end: () => [] },
    wantsRequestBody: (meta) =>
      inject &&
      meta.method === 'POST' &&
      classifyOpenAIPath(meta.path).kind === 'chat' &&
      (meta.requestHeaders['content-type'] ?? '').includes('json'),
    rewriteRequest: (_meta, body) => {
      const r = injectIncludeUsage(body)
      return r.injected ? { body: r.body, createResponseFilter: createUsageChunkStripper } : null
    },
  }
}
