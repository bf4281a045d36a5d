// Vertex AI routes that speak another provider's wire format, delegated to that dialect's parser
// with the record relabelled: Claude on Vertex (`publishers/anthropic/models/{model}:rawPredict`
// and `:streamRawPredict`, the Anthropic Messages format) and Vertex's OpenAI-compatible
// `endpoints/openapi/chat/completions`.

import type { ExchangeMeta, ExchangeParser, ParsedUsage } from '@tokentap/shared'
import { anthropicDialect } from '../anthropic/parser.ts'
import { openaiChatDialect } from '../openai/chat.ts'
import type { GeminiRoute } from './paths.ts'

function relabel(inner: ExchangeParser, map: (usage: ParsedUsage) => ParsedUsage): ExchangeParser {
  let result: ParsedUsage | null = null
  return {
    pushRequest: (chunk) => inner.pushRequest(chunk),
    endRequest: (truncated) => inner.endRequest(truncated),
    onResponseHead: (status, headers) => inner.onResponseHead(status, headers),
    pushResponse: (chunk) => inner.pushResponse(chunk),
    seenText: () => inner.seenText?.() ?? null,
    end() {
      result ??= map(inner.end())
      return result
    },
  }
}

/** Claude on Vertex: the Anthropic parser, fed as if the path were the Messages API. */
export function vertexAnthropicParser(
  provider: string,
  meta: ExchangeMeta,
  route: GeminiRoute,
): ExchangeParser {
  const path = route.kind === 'anthropic-count' ? '/v1/messages/count_tokens' : '/v1/messages'
  const inner = anthropicDialect.createParser({ ...meta, path })
  return relabel(inner, (usage) => ({
    ...usage,
    provider,
    endpoint: route.endpoint,
    // The URL names the Vertex model version (`claude-sonnet-4-5@20250929`).
    model: route.model ?? usage.model ?? null,
    // `:streamRawPredict` is the streaming method, whatever the body or the answer says.
    stream: route.endpoint === 'streamRawPredict' || usage.stream === true,
  }))
}

/** Vertex's OpenAI-compatible Chat Completions endpoint. */
export function vertexOpenAIParser(provider: string, meta: ExchangeMeta): ExchangeParser {
  return openaiChatDialect(provider).createParser(meta)
}
