import { describe, expect, test } from 'bun:test'
import { providerForHost, selectDialect } from './registry.ts'

describe('dialect registry', () => {
  test.each([
    ['api.anthropic.com', 'anthropic'],
    ['api.openai.com', 'openai'],
    ['chatgpt.com', 'openai'],
    ['myres.openai.azure.com', 'azure-openai'],
    ['generativelanguage.googleapis.com', 'gemini'],
    ['cloudcode-pa.googleapis.com', 'gemini'],
    ['us-central1-aiplatform.googleapis.com', 'vertex'],
    ['bedrock-runtime.us-east-1.amazonaws.com', 'bedrock'],
    ['q.us-east-1.amazonaws.com', 'amazon-q'],
    ['openrouter.ai', 'openrouter'],
    ['api.x.ai', 'xai'],
    ['llm.internal', 'llm.internal'],
  ])('%s → %s', (host, provider) => {
    expect(providerForHost(host)).toBe(provider)
    expect(selectDialect(host, '/').provider).toBe(provider)
  })
  test('OpenAI hosts parse Responses over WebSocket', () => {
    expect(selectDialect('api.openai.com', '/v1/responses').createWsParser).toBeDefined()
  })
  test('unknown intercepted hosts are recorded without usage', () => {
    const p = selectDialect('llm.internal', '/x').createParser({
      host: 'llm.internal',
      method: 'POST',
      path: '/x',
      requestHeaders: {},
    })
    expect(p.end()).toMatchObject({ usageSource: 'none', billable: false })
  })
})
