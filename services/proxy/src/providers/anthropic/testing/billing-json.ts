// Anthropic JSON messages carrying billed units, in the Messages API's documented wire shapes:
// a web search tool response (server_tool_use + web_search_tool_result blocks) with a web fetch,
// thinking tokens and US-only inference; a compaction response (beta `usage.iterations`); fast
// mode. Prices (platform.claude.com/docs/en/about-claude/pricing): Claude Opus 4.6 $5 in / $25
// out per MTok; web search $10 per 1,000; web fetch free beyond tokens; `inference_geo: "us"`
// 1.1× on Opus 4.6 and newer (build-with-claude/data-residency); fast mode has no list price
// per token (a premium per model): flagged.

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { anthropicDialect } from '../parser.ts'
import { AT, iteration, message, messages } from './billing-common.ts'
import { JSON_HEADERS, record } from './common.ts'

const searchBlocks = [
  {
    type: 'server_tool_use',
    id: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE',
    name: 'web_search',
    input: { query: 'claude shannon birth date' },
  },
  {
    type: 'web_search_tool_result',
    tool_use_id: 'srvtoolu_01WYG3ziw53XMcoyKL4XcZmE',
    content: [
      {
        type: 'web_search_result',
        url: 'https://en.wikipedia.org/wiki/Claude_Shannon',
        title: 'Claude Shannon - Wikipedia',
        encrypted_content: 'EqgfCioIARgBIiQ3YTAwMjY1Mi1mZjM5LTQ1NGUtODgxNC1kNjNjNTk1ZWI3Y',
        page_age: 'April 30, 2025',
      },
    ],
  },
  { type: 'text', text: 'Claude Shannon est né le 30 avril 1916 à Petoskey — 🇺🇸.' },
]

const searchUsage = {
  input_tokens: 6039,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  output_tokens: 931,
  output_tokens_details: { thinking_tokens: 210 },
  server_tool_use: { web_search_requests: 1, web_fetch_requests: 1 },
  service_tier: 'standard',
  inference_geo: 'us',
}

const webSearchJson: BillingFixture = {
  name: 'Anthropic JSON: web search + fetch, thinking tokens, US-only inference',
  dialect: anthropicDialect,
  format: 'anthropic',
  meta: messages,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: JSON.stringify({
      model: 'claude-opus-4-6',
      max_tokens: 4096,
      inference_geo: 'us',
      messages: [{ role: 'user', content: 'Quand est né Claude Shannon ?' }],
      tools: [
        { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
        { type: 'web_fetch_20250910', name: 'web_fetch', max_uses: 5 },
      ],
    }),
    responseBody: message('claude-opus-4-6', searchBlocks, searchUsage),
  },
  expected: record({
    model: 'claude-opus-4-6',
    responseId: 'msg_01WebSearchX7f3',
    usageSource: 'provider',
    rawUsage: searchUsage,
    inputTokens: 6039,
    outputTokens: 931,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 210,
    serviceTier: 'standard',
    inferenceGeo: 'us',
    units: { web_searches: 1, web_fetches: 1 },
  }),
  // Tokens at 1.1× (US-only, Opus 4.6); the search fee is not scaled; the fetch is free.
  cost: usd(mtok([6039, 5], [931, 25]) * 1.1 + 0.01),
  unpriced: null,
}

const compactionUsage = {
  input_tokens: 23000,
  output_tokens: 1000,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 0,
  iterations: [
    {
      type: 'compaction',
      input_tokens: 180000,
      output_tokens: 3500,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
    },
    {
      type: 'message',
      model: 'claude-opus-4-6',
      input_tokens: 23000,
      output_tokens: 1000,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      cache_creation: null,
    },
  ],
  service_tier: 'standard',
}

const compactionJson: BillingFixture = {
  name: 'Anthropic JSON (compact-2026-01-12): compaction iteration added to the top level',
  dialect: anthropicDialect,
  format: 'anthropic',
  meta: messages,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: JSON.stringify({
      model: 'claude-opus-4-6',
      max_tokens: 4096,
      messages: [{ role: 'user', content: 'Continue' }],
      context_management: { edits: [{ type: 'compact_20260112' }] },
    }),
    responseBody: message(
      'claude-opus-4-6',
      [
        { type: 'compaction', content: 'Summary of the conversation: a web scraper…' },
        { type: 'text', text: 'Based on our conversation so far… ✅' },
      ],
      compactionUsage,
    ),
  },
  expected: record({
    model: 'claude-opus-4-6',
    responseId: 'msg_01WebSearchX7f3',
    usageSource: 'provider',
    rawUsage: compactionUsage,
    inputTokens: 203000,
    outputTokens: 4500,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    serviceTier: 'standard',
    subUsage: [
      iteration('compaction', null, 180000, 3500),
      iteration('message', 'claude-opus-4-6', 23000, 1000),
    ],
  }),
  // "To calculate total tokens consumed and billed for a request, sum across all entries in the
  // usage.iterations array."
  cost: usd(mtok([180000, 5], [3500, 25], [23000, 5], [1000, 25])),
  unpriced: null,
}

const fastUsage = {
  input_tokens: 500,
  output_tokens: 800,
  service_tier: 'standard',
  speed: 'fast',
  inference_geo: 'global',
}

const fastJson: BillingFixture = {
  name: 'Anthropic JSON (fast mode): no list price per token, flagged not guessed',
  dialect: anthropicDialect,
  format: 'anthropic',
  meta: messages,
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"model":"claude-opus-4-6","speed":"fast","max_tokens":1024}',
    responseBody: message('claude-opus-4-6', [{ type: 'text', text: 'Vite ⚡' }], fastUsage),
  },
  expected: record({
    model: 'claude-opus-4-6',
    responseId: 'msg_01WebSearchX7f3',
    usageSource: 'provider',
    rawUsage: fastUsage,
    inputTokens: 500,
    outputTokens: 800,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    serviceTier: 'standard',
    inferenceGeo: 'global',
    speed: 'fast',
  }),
  cost: null,
  unpriced: ['speed:fast'],
}

export const anthropicJsonBillingFixtures: BillingFixture[] = [
  webSearchJson,
  compactionJson,
  fastJson,
]
