// OpenAI-style dialects: Chat Completions (chat.ts), Responses over HTTP and WebSocket
// (responses.ts), and `openaiDialect`, which picks between them by path for hosts that serve both
// (api.openai.com, Azure, xAI, OpenRouter, Groq, chatgpt.com). Streamed chat requests are asked for
// usage only on hosts whose mode says so (stream-usage.ts), with the stripper undoing the change.

import type { ProviderDialect } from '@tokentap/shared'
import { openaiChatDialect } from './chat.ts'
import { classifyOpenAIPath, isResponsesKind, openaiBillable } from './paths.ts'
import { openaiResponsesDialect } from './responses.ts'
import type { StreamUsageOptions } from './stream-usage.ts'

export { openaiChatDialect } from './chat.ts'
export { injectIncludeUsage } from './include-usage.ts'
export { openaiResponsesDialect } from './responses.ts'
export {
  STREAM_USAGE_MODES,
  type StreamUsage,
  type StreamUsageOptions,
} from './stream-usage.ts'
export { createUsageChunkStripper, type UsageChunkStripper } from './usage-stripper.ts'

/** Chat Completions, Completions, Embeddings and Responses (HTTP + WebSocket) under one name. */
export function openaiDialect(provider: string, opts: StreamUsageOptions = {}): ProviderDialect {
  const chat = openaiChatDialect(provider, opts)
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
    billableRequest: openaiBillable,
    // Chat streams only (the Responses API reports usage on response.completed unasked).
    ...(chat.wantsRequestBody ? { wantsRequestBody: chat.wantsRequestBody } : {}),
    ...(chat.rewriteRequest ? { rewriteRequest: chat.rewriteRequest } : {}),
  }
}
