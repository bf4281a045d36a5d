// OpenAI Responses exchanges with built-in tool items billed per call (`web_search_call`,
// `file_search_call`), as JSON and as SSE (`response.web_search_call.*` events, the full output
// and the serving tier on `response.completed`). Prices from developers.openai.com/api/docs/
// pricing: gpt-5 $1.25 in / $0.125 cached / $10 out per MTok; web search $10 and file search
// $2.50 per 1,000 calls; flex = Batch API rates (half the tokens, not the tool fees).

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { openaiResponsesDialect } from '../responses.ts'
import { JSON_HEADERS, meta, record, SSE_HEADERS } from './common.ts'
import { responseObject } from './responses.ts'

const AT = '2026-04-01T12:00:00.000Z'
const RESPONSES = meta('api.openai.com', '/v1/responses')
const responses = openaiResponsesDialect('openai')

const toolUsage = {
  input_tokens: 12_000,
  input_tokens_details: { cached_tokens: 8_000 },
  output_tokens: 700,
  output_tokens_details: { reasoning_tokens: 400 },
  total_tokens: 12_700,
}

const toolItems = [
  {
    type: 'web_search_call',
    id: 'ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9609',
    status: 'completed',
    action: { type: 'search', query: 'météo São Paulo' },
  },
  {
    type: 'web_search_call',
    id: 'ws_67c9fa0502748190b7dd390736892e100be649c1a5ff9610',
    status: 'completed',
    action: { type: 'search', query: 'São Paulo rain forecast' },
  },
  {
    type: 'file_search_call',
    id: 'fs_67c09ccea8c48191ade9367e3ba71515',
    status: 'completed',
    queries: ['politique de voyage'],
    results: null,
  },
  {
    type: 'message',
    id: 'msg_67c9fa077e288190af08fdffda2e34f20be649c1a5ff9609',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: 'Pluie à São Paulo — ☔', annotations: [] }],
  },
]

const withTools = (id: string, status: string, usage: object | null, serviceTier: string) => ({
  ...responseObject(id, status, 'gpt-5-2025-08-07', usage),
  output: status === 'completed' ? toolItems : [],
  service_tier: serviceTier,
})

const toolsJson: BillingFixture = {
  name: 'OpenAI responses JSON: two web_search_call and a file_search_call',
  dialect: responses,
  format: 'openai',
  meta: RESPONSES,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody:
      '{"model":"gpt-5","tools":[{"type":"web_search"},{"type":"file_search","vector_store_ids":["vs_1"]}],"input":"Pluie ?"}',
    responseBody: JSON.stringify(withTools('resp_tools1', 'completed', toolUsage, 'default')),
  },
  expected: record({
    provider: 'openai',
    endpoint: 'responses',
    model: 'gpt-5-2025-08-07',
    responseId: 'resp_tools1',
    usageSource: 'provider',
    rawUsage: toolUsage,
    inputTokens: 4_000,
    outputTokens: 700,
    cacheReadTokens: 8_000,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 400,
    serviceTier: 'default',
    units: { web_searches: 2, file_searches: 1 },
  }),
  cost: usd(mtok([4_000, 1.25], [8_000, 0.125], [700, 10]) + 2 * 0.01 + 0.0025),
  unpriced: null,
}

const event = (type: string, body: object, seq: number): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq, ...body })}\n\n`

const search = toolItems[0]!
const toolsStream: BillingFixture = {
  name: 'OpenAI responses SSE: web_search_call events, flex tier on response.completed',
  dialect: responses,
  format: 'openai',
  meta: RESPONSES,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody:
      '{"model":"gpt-5","stream":true,"service_tier":"flex","tools":[{"type":"web_search"}]}',
    responseBody: [
      event(
        'response.created',
        { response: withTools('resp_flex2', 'in_progress', null, 'auto') },
        0,
      ),
      event(
        'response.output_item.added',
        { output_index: 0, item: { ...search, status: 'in_progress' } },
        1,
      ),
      event('response.web_search_call.in_progress', { output_index: 0, item_id: search.id }, 2),
      event('response.web_search_call.searching', { output_index: 0, item_id: search.id }, 3),
      event('response.web_search_call.completed', { output_index: 0, item_id: search.id }, 4),
      event('response.output_item.done', { output_index: 0, item: search }, 5),
      event(
        'response.output_text.delta',
        { item_id: 'msg_1', output_index: 3, content_index: 0, delta: 'Pluie — ☔' },
        6,
      ),
      event(
        'response.completed',
        { response: withTools('resp_flex2', 'completed', toolUsage, 'flex') },
        7,
      ),
    ].join(''),
  },
  expected: record({
    provider: 'openai',
    endpoint: 'responses',
    model: 'gpt-5-2025-08-07',
    stream: true,
    responseId: 'resp_flex2',
    usageSource: 'provider',
    rawUsage: toolUsage,
    inputTokens: 4_000,
    outputTokens: 700,
    cacheReadTokens: 8_000,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 400,
    serviceTier: 'flex',
    units: { web_searches: 2, file_searches: 1 },
  }),
  // Flex halves the tokens, not the tool fees.
  cost: usd(mtok([4_000, 1.25], [8_000, 0.125], [700, 10]) * 0.5 + 2 * 0.01 + 0.0025),
  unpriced: null,
}

export const responsesBillingFixtures: BillingFixture[] = [toolsJson, toolsStream]
