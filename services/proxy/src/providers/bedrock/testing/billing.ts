// Bedrock Runtime exchanges where the model id sets the price or a tier is billed, in the AWS
// event-stream and JSON wire shapes: an InvokeModelWithResponseStream under a system-defined
// cross-region inference-profile ARN (`global.` priced apart from regional profiles) with Claude's
// thinking tokens; Converse answered in the flex tier (`serviceTier: {type}`); ConverseStream with
// the tier on its metadata event; Converse under an application-inference-profile ARN (opaque:
// unpriced). Prices (aws.amazon.com/bedrock/pricing, Anthropic models): Claude Sonnet 4.5 global
// $3.00 in / $15.00 out / $0.30 cache read; regional profiles and in-region +10% ($3.30 / $16.50 /
// $0.33). Bedrock's flex and priority tiers have no per-model rule in the price table: flagged.

import { type BillingFixture, mtok, usd } from '../../testing/billing.ts'
import { bedrockDialect } from '../bedrock.ts'
import { HOST, SONNET, SONNET_PATH } from './bedrock-json.ts'
import { chunk, concat, EVENT_STREAM_HEADERS, event, JSON_HEADERS, meta, record } from './common.ts'

const AT = '2026-04-01T12:00:00.000Z'
const GLOBAL = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'
const PROFILE_ARN = `arn:aws:bedrock:us-east-1:123456789012:inference-profile/${GLOBAL}`
const APP_ARN = 'arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/a1b2c3d4e5f6'

const start = {
  input_tokens: 1_200,
  cache_creation_input_tokens: 0,
  cache_read_input_tokens: 9_000,
  output_tokens: 2,
}
const final = { output_tokens: 640, output_tokens_details: { thinking_tokens: 400 } }

const globalStream: BillingFixture = {
  name: 'Bedrock invoke stream under a global inference-profile ARN: thinking tokens',
  dialect: bedrockDialect(),
  format: 'bedrock',
  meta: meta(HOST, `/model/${encodeURIComponent(PROFILE_ARN)}/invoke-with-response-stream`),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: EVENT_STREAM_HEADERS,
    requestBody:
      '{"anthropic_version":"bedrock-2023-05-31","thinking":{"type":"enabled","budget_tokens":2000}}',
    responseBody: concat([
      chunk({
        type: 'message_start',
        message: {
          id: 'msg_bdrk_global1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5-20250929',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: start,
        },
      }),
      chunk({
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '' },
      }),
      chunk({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'Réfléchissons — 日本' },
      }),
      chunk({ type: 'content_block_stop', index: 0 }),
      chunk({
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: final,
      }),
      chunk({
        type: 'message_stop',
        'amazon-bedrock-invocationMetrics': {
          inputTokenCount: 1_200,
          outputTokenCount: 640,
          invocationLatency: 2_100,
          firstByteLatency: 400,
          cacheReadInputTokenCount: 9_000,
          cacheWriteInputTokenCount: 0,
        },
      }),
    ]),
  },
  expected: record({
    provider: 'bedrock',
    endpoint: 'invoke-with-response-stream',
    // The profile id, not the response's model: `global.` sets the price.
    model: GLOBAL,
    stream: true,
    responseId: 'msg_bdrk_global1',
    usageSource: 'provider',
    rawUsage: { ...start, ...final },
    inputTokens: 1_200,
    outputTokens: 640,
    cacheReadTokens: 9_000,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    reasoningTokens: 400,
  }),
  cost: usd(mtok([1_200, 3], [9_000, 0.3], [640, 15])),
  unpriced: null,
}

const converseUsage = { inputTokens: 300, outputTokens: 90, totalTokens: 390 }

const converseFlex: BillingFixture = {
  name: 'Bedrock Converse JSON answered in the flex tier: flagged',
  dialect: bedrockDialect(),
  format: 'bedrock',
  meta: meta(HOST, `/model/${SONNET_PATH}/converse`),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"messages":[],"serviceTier":{"type":"flex"}}',
    responseBody: JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: 'Plus tard — 🐢' }] } },
      stopReason: 'end_turn',
      usage: converseUsage,
      metrics: { latencyMs: 9000 },
      serviceTier: { type: 'flex' },
    }),
  },
  expected: record({
    provider: 'bedrock',
    endpoint: 'converse',
    model: SONNET,
    responseId: JSON_HEADERS['x-amzn-requestid'],
    usageSource: 'provider',
    rawUsage: converseUsage,
    inputTokens: 300,
    outputTokens: 90,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    serviceTier: 'flex',
  }),
  cost: null,
  unpriced: ['service_tier:flex'],
}

const streamUsage = {
  inputTokens: 500,
  outputTokens: 40,
  totalTokens: 540,
  cacheReadInputTokens: 0,
}

const converseStreamDefault: BillingFixture = {
  name: 'Bedrock ConverseStream: the default tier on the metadata event, regional price',
  dialect: bedrockDialect(),
  format: 'bedrock',
  meta: meta(HOST, `/model/${SONNET_PATH}/converse-stream`),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: EVENT_STREAM_HEADERS,
    requestBody: '{"messages":[]}',
    responseBody: concat([
      event('messageStart', { role: 'assistant', p: 'abcd' }),
      event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'Bonjour 🚀' }, p: 'ab' }),
      event('contentBlockStop', { contentBlockIndex: 0, p: 'abc' }),
      event('messageStop', { stopReason: 'end_turn', p: 'abcdefg' }),
      event('metadata', {
        usage: streamUsage,
        metrics: { latencyMs: 300 },
        serviceTier: { type: 'default' },
        p: 'a',
      }),
    ]),
  },
  expected: record({
    provider: 'bedrock',
    endpoint: 'converse-stream',
    model: SONNET,
    stream: true,
    responseId: EVENT_STREAM_HEADERS['x-amzn-requestid'],
    usageSource: 'provider',
    rawUsage: streamUsage,
    inputTokens: 500,
    outputTokens: 40,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    serviceTier: 'default',
  }),
  // us. profile: the regional price.
  cost: usd(mtok([500, 3.3], [40, 16.5])),
  unpriced: null,
}

const opaqueUsage = { inputTokens: 80, outputTokens: 8, totalTokens: 88 }

const converseOpaqueArn: BillingFixture = {
  name: 'Bedrock Converse under an application-inference-profile ARN: the model is unknown',
  dialect: bedrockDialect(),
  format: 'bedrock',
  meta: meta(HOST, `/model/${encodeURIComponent(APP_ARN)}/converse`),
  startedAt: AT,
  exchange: {
    status: 200,
    headers: JSON_HEADERS,
    requestBody: '{"messages":[]}',
    responseBody: JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
      stopReason: 'end_turn',
      usage: opaqueUsage,
    }),
  },
  expected: record({
    provider: 'bedrock',
    endpoint: 'converse',
    model: APP_ARN,
    responseId: JSON_HEADERS['x-amzn-requestid'],
    usageSource: 'provider',
    rawUsage: opaqueUsage,
    inputTokens: 80,
    outputTokens: 8,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
  }),
  cost: null,
  unpriced: null,
}

export const bedrockBillingFixtures: BillingFixture[] = [
  globalStream,
  converseFlex,
  converseStreamDefault,
  converseOpaqueArn,
]
