// The dialect registry: host → dialect (one per provider), wire formats by name, unknown hosts.

import { describe, expect, test } from 'bun:test'
import { createDialectRegistry, wireFormatDialect } from './registry.ts'

const meta = (host: string, path: string) => ({ host, method: 'POST', path, requestHeaders: {} })

describe('dialect registry', () => {
  const select = createDialectRegistry({ injectStreamUsage: true })

  test('one dialect per provider, built once', () => {
    expect(select('api.openai.com', '/')).toBe(select('chatgpt.com', '/v1/responses'))
    expect(select('api.anthropic.com', '/')).not.toBe(select('api.openai.com', '/'))
  })

  test('OpenAI hosts parse Responses over WebSocket', () => {
    expect(select('api.openai.com', '/v1/responses').createWsParser).toBeDefined()
  })

  test('include_usage injection follows the host and the global switch', () => {
    const off = createDialectRegistry({ injectStreamUsage: false })
    const json = (host: string, path = '/v1/chat/completions') => ({
      ...meta(host, path),
      requestHeaders: { 'content-type': 'application/json' },
    })
    expect(select('api.openai.com', '/').wantsRequestBody?.(json('api.openai.com'))).toBe(true)
    expect(off('api.openai.com', '/').rewriteRequest).toBeUndefined()
    expect(off('api.openai.com', '/').wantsRequestBody?.(json('api.openai.com')) ?? false).toBe(
      false,
    )
    // Mistral refuses the field; Groq reports usage unasked.
    expect(select('api.mistral.ai', '/').rewriteRequest).toBeUndefined()
    expect(select('api.groq.com', '/').rewriteRequest).toBeUndefined()
    // Azure: only from the api-version that documents stream_options.
    const azure = select('r.openai.azure.com', '/')
    const deployment = '/openai/deployments/d/chat/completions?api-version='
    expect(azure.wantsRequestBody?.(json('r.openai.azure.com', `${deployment}2024-10-21`))).toBe(
      true,
    )
    expect(azure.wantsRequestBody?.(json('r.openai.azure.com', `${deployment}2024-06-01`))).toBe(
      false,
    )
  })

  test('unknown intercepted hosts are recorded without usage', () => {
    const p = select('llm.internal', '/x').createParser(meta('llm.internal', '/x'))
    expect(p.end()).toMatchObject({
      provider: 'llm.internal',
      usageSource: 'none',
      billable: false,
    })
  })
})

test('wire formats by name record under the given provider', () => {
  const body = JSON.stringify({
    id: 'msg_1',
    model: 'claude-x',
    usage: { input_tokens: 10, output_tokens: 4 },
  })
  const parser = wireFormatDialect('anthropic', 'acme').createParser(meta('h', '/v1/messages'))
  parser.endRequest(false)
  parser.onResponseHead(200, { 'content-type': 'application/json' })
  parser.pushResponse(new TextEncoder().encode(body))
  expect(parser.end()).toMatchObject({ provider: 'acme', inputTokens: 10, outputTokens: 4 })
  expect(wireFormatDialect('openai-chat', 'acme').createWsParser).toBeUndefined()
  // A format named without a streamed-usage mode never asks for usage.
  expect(wireFormatDialect('openai-chat', 'acme').rewriteRequest).toBeUndefined()
  expect(
    wireFormatDialect('openai-chat', 'acme', { streamUsage: 'inject' }).rewriteRequest,
  ).toBeDefined()
  expect(wireFormatDialect('openai-responses', 'acme').createWsParser).toBeDefined()
})
