// Anthropic streams carrying billed units, in the documented SSE shapes: server tools (web
// search and fetch counted on message_delta's cumulative usage) with thinking tokens and a 1h
// cache write, and the advisor tool's beta `usage.iterations` (an advisor_message iteration at
// the advisor model's rates). Prices (platform.claude.com/docs/en/about-claude/pricing): Claude
// Sonnet 4.6 $3 in / $15 out / $0.30 cache read / $6 1h cache write per MTok; Opus 4.8 $5 / $25;
// web search $10 per 1,000; web fetch free beyond tokens.

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { anthropicDialect } from '../parser.ts'
import { AT, iteration, messages, sse } from './billing-common.ts'
import { record, SSE_HEADERS } from './common.ts'

const startUsage = {
  input_tokens: 2679,
  cache_creation_input_tokens: 1200,
  cache_read_input_tokens: 18000,
  cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1200 },
  output_tokens: 3,
  service_tier: 'standard',
  inference_geo: 'global',
}
const finalUsage = {
  input_tokens: 2679,
  cache_creation_input_tokens: 1200,
  cache_read_input_tokens: 18000,
  output_tokens: 1450,
  output_tokens_details: { thinking_tokens: 820 },
  server_tool_use: { web_search_requests: 3, web_fetch_requests: 1 },
}

// Streaming with server tools, as the web search documentation shows it: a server_tool_use
// block with its input as input_json_delta, the web_search_tool_result block whole, then text;
// message_delta carries the cumulative usage with server_tool_use.
const webSearchStream: BillingFixture = {
  name: 'Anthropic SSE: thinking, three web searches and a fetch on message_delta',
  dialect: anthropicDialect,
  format: 'anthropic',
  meta: messages,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody: '{"model":"claude-sonnet-4-6","stream":true,"max_tokens":8000}',
    responseBody: sse([
      [
        'message_start',
        {
          type: 'message_start',
          message: {
            id: 'msg_01StreamSearch9',
            type: 'message',
            role: 'assistant',
            model: 'claude-sonnet-4-6',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: startUsage,
          },
        },
      ],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'thinking', thinking: '', signature: '' },
        },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'thinking_delta', thinking: 'Je cherche les percées récentes — 量子.' },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 1,
          content_block: {
            type: 'server_tool_use',
            id: 'srvtoolu_014hJH82Qum7Td6UV8gDXThB',
            name: 'web_search',
            input: {},
          },
        },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 1,
          delta: { type: 'input_json_delta', partial_json: '{"query":"quantum computing 2025"}' },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 1 }],
      [
        'content_block_start',
        {
          type: 'content_block_start',
          index: 2,
          content_block: {
            type: 'web_search_tool_result',
            tool_use_id: 'srvtoolu_014hJH82Qum7Td6UV8gDXThB',
            content: [
              {
                type: 'web_search_result',
                title: 'Quantum Computing Breakthroughs in 2025',
                url: 'https://en.wikipedia.org/wiki/Quantum_computing',
                encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y',
                page_age: null,
              },
            ],
          },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 2 }],
      [
        'content_block_start',
        { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '' } },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 3,
          delta: { type: 'text_delta', text: 'Trois avancées marquantes — 🚀 ✅' },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 3 }],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: finalUsage,
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]),
  },
  expected: record({
    model: 'claude-sonnet-4-6',
    stream: true,
    responseId: 'msg_01StreamSearch9',
    usageSource: 'provider',
    rawUsage: {
      ...startUsage,
      output_tokens: 1450,
      output_tokens_details: { thinking_tokens: 820 },
      server_tool_use: { web_search_requests: 3, web_fetch_requests: 1 },
    },
    inputTokens: 2679,
    outputTokens: 1450,
    cacheReadTokens: 18000,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 1200,
    reasoningTokens: 820,
    serviceTier: 'standard',
    inferenceGeo: 'global',
    units: { web_searches: 3, web_fetches: 1 },
  }),
  cost: usd(mtok([2679, 3], [18000, 0.3], [1200, 6], [1450, 15]) + 3 * 0.01),
  unpriced: null,
}

const advisorDelta = {
  input_tokens: 2100,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 21200,
  output_tokens: 400,
  iterations: [
    {
      type: 'message',
      input_tokens: 1200,
      cache_read_input_tokens: 10000,
      cache_creation_input_tokens: 0,
      cache_creation: null,
      output_tokens: 150,
    },
    {
      type: 'advisor_message',
      model: 'claude-opus-4-8',
      input_tokens: 2500,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
      cache_creation: null,
      output_tokens: 600,
    },
    {
      type: 'message',
      input_tokens: 900,
      cache_read_input_tokens: 11200,
      cache_creation_input_tokens: 0,
      cache_creation: null,
      output_tokens: 250,
    },
  ],
}

const advisorStream: BillingFixture = {
  name: 'Anthropic SSE (advisor-tool-2026-03-01): advisor iteration at the advisor model rates',
  dialect: anthropicDialect,
  format: 'anthropic',
  meta: messages,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: SSE_HEADERS,
    requestBody:
      '{"model":"claude-sonnet-4-6","stream":true,"tools":[{"type":"advisor_20260301","name":"advisor","model":"claude-opus-4-8"}]}',
    responseBody: sse([
      [
        'message_start',
        {
          type: 'message_start',
          message: {
            id: 'msg_01Advisor',
            type: 'message',
            role: 'assistant',
            model: 'claude-sonnet-4-6',
            content: [],
            stop_reason: null,
            stop_sequence: null,
            usage: { input_tokens: 1200, cache_read_input_tokens: 10000, output_tokens: 1 },
          },
        },
      ],
      [
        'content_block_start',
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      ],
      [
        'content_block_delta',
        {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: 'Plan reçu — je continue. 日本' },
        },
      ],
      ['content_block_stop', { type: 'content_block_stop', index: 0 }],
      [
        'message_delta',
        {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: advisorDelta,
        },
      ],
      ['message_stop', { type: 'message_stop' }],
    ]),
  },
  expected: record({
    model: 'claude-sonnet-4-6',
    stream: true,
    responseId: 'msg_01Advisor',
    usageSource: 'provider',
    rawUsage: advisorDelta,
    inputTokens: 2100,
    outputTokens: 400,
    cacheReadTokens: 21200,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    subUsage: [
      { ...iteration('message', null, 1200, 150), cacheReadTokens: 10000 },
      iteration('advisor_message', 'claude-opus-4-8', 2500, 600),
      { ...iteration('message', null, 900, 250), cacheReadTokens: 11200 },
    ],
  }),
  // Executor iterations at Sonnet 4.6 rates, the advisor's at Opus 4.8 rates.
  cost: usd(
    mtok([1200, 3], [10000, 0.3], [150, 15]) +
      mtok([900, 3], [11200, 0.3], [250, 15]) +
      mtok([2500, 5], [600, 25]),
  ),
  unpriced: null,
}

export const anthropicStreamBillingFixtures: BillingFixture[] = [webSearchStream, advisorStream]
