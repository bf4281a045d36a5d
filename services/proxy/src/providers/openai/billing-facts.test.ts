// What OpenAI-style responses bill outside their usage object: the tier and the built-in tool
// calls, read from Chat and Responses objects, and over the Responses WebSocket transport (one
// record per response, each with its own tier and tool items).

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta } from '@tokentap/shared'
import { chatBillingFacts, responseBillingFacts } from './billing-facts.ts'
import { openaiResponsesDialect } from './responses.ts'
import { responseObject } from './testing/responses.ts'
import { client, server } from './testing/responses-ws.ts'

describe('facts', () => {
  test('Responses output items billed per call, the tier as reported', () => {
    const facts = responseBillingFacts({
      service_tier: 'priority',
      output: [
        { type: 'web_search_call', action: { type: 'search' } },
        { type: 'web_search_call', action: { type: 'open_page' } },
        { type: 'file_search_call' },
        { type: 'code_interpreter_call', container_id: 'cntr_1' },
        { type: 'image_generation_call', result: 'iVBOR' },
        { type: 'function_call', name: 'get_weather' },
        { type: 'mcp_call' },
        'junk',
        null,
      ],
    })
    expect(facts).toEqual({
      serviceTier: 'priority',
      units: {
        web_searches: 2,
        file_searches: 1,
        code_interpreter_calls: 1,
        image_generation_calls: 1,
      },
    })
    expect(responseBillingFacts({ output: 'x', service_tier: 42 })).toEqual({
      serviceTier: null,
      units: {},
    })
  })

  test('Chat: search models search once; other models do not', () => {
    expect(chatBillingFacts('default', 'gpt-4o-mini-search-preview-2025-03-11')).toEqual({
      serviceTier: 'default',
      units: { web_searches: 1 },
    })
    expect(chatBillingFacts(undefined, 'gpt-5-search-api').units).toEqual({ web_searches: 1 })
    expect(chatBillingFacts('scale', 'gpt-4o').units).toEqual({})
    expect(chatBillingFacts(null, 'research-model').units).toEqual({})
  })
})

test('Responses over WebSocket: each response keeps its own tier and tool calls', () => {
  const meta: ExchangeMeta = {
    host: 'chatgpt.com',
    method: 'GET',
    path: '/backend-api/codex/responses',
    requestHeaders: {},
  }
  const usage = {
    input_tokens: 900,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: 50,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: 950,
  }
  const done = (id: string, tier: string, searches: number) =>
    server('response.completed', {
      response: {
        ...responseObject(id, 'completed', 'gpt-5-codex', usage),
        service_tier: tier,
        output: Array.from({ length: searches }, (_, i) => ({
          type: 'web_search_call',
          id: `ws_${id}_${i}`,
          status: 'completed',
          action: { type: 'search', query: 'bun release notes' },
        })),
      },
    })
  const parser = openaiResponsesDialect('openai').createWsParser!(meta)
  const records = [
    client({ type: 'response.create', model: 'gpt-5-codex', service_tier: 'priority' }),
    server('response.created', {
      response: responseObject('r1', 'in_progress', 'gpt-5-codex', null),
    }),
    server('response.web_search_call.searching', { item_id: 'ws_r1_0', output_index: 0 }),
    done('r1', 'priority', 2),
    client({ type: 'response.create', model: 'gpt-5-codex' }),
    server('response.created', {
      response: responseObject('r2', 'in_progress', 'gpt-5-codex', null),
    }),
    done('r2', 'default', 0),
  ].flatMap((m) => parser.onMessage(m))
  expect(records.map((r) => [r.responseId, r.serviceTier, r.units])).toEqual([
    ['r1', 'priority', { web_searches: 2 }],
    ['r2', 'default', null],
  ])
})
