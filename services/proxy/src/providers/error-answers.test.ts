// Error answers in every dialect: a 4xx/5xx that reports no usage is recorded as NOT billable,
// and the record's `stream` is what the request asked for (`"stream": true`, or the streaming
// method/path) even though the error came back as JSON. An error that does report usage keeps it,
// billable; a success, or an exchange cut before any answer, keeps its endpoint's billability.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ParsedUsage, ProviderDialect } from '@tokentap/shared'
import { anthropicDialect } from './anthropic/parser.ts'
import { amazonQDialect } from './bedrock/amazon-q.ts'
import { bedrockDialect } from './bedrock/bedrock.ts'
import { fieldMapDialect } from './custom/field-dialect.ts'
import { geminiDialect } from './gemini/gemini.ts'
import { openaiDialect } from './openai/index.ts'
import { firstMismatch, replayRuns } from './testing/replay.ts'

const JSON_TYPE = { 'content-type': 'application/json' }

interface Case {
  name: string
  dialect: ProviderDialect
  path: string
  request: string
  status: number
  body: string
  expected: Partial<ParsedUsage>
}

const meta = (path: string): ExchangeMeta => ({
  host: 'h',
  method: 'POST',
  path,
  requestHeaders: { 'content-type': 'application/json' },
})

const cases: Case[] = [
  {
    name: 'Anthropic: stream request answered 429 rate_limit_error',
    dialect: anthropicDialect,
    path: '/v1/messages',
    request: '{"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[]}',
    status: 429,
    body: '{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"},"request_id":"req_011CSHp"}',
    expected: { stream: true, billable: false, model: 'claude-sonnet-4-5', usageSource: 'none' },
  },
  {
    name: 'OpenAI chat: stream request answered 400 (unknown parameter)',
    dialect: openaiDialect('openai'),
    path: '/v1/chat/completions',
    request: '{"model":"gpt-4.1","stream":true,"messages":[]}',
    status: 400,
    body: '{"error":{"message":"Unknown parameter: \'stream_options\'.","type":"invalid_request_error","param":"stream_options","code":"unknown_parameter"}}',
    expected: { stream: true, billable: false, model: 'gpt-4.1', endpoint: 'chat.completions' },
  },
  {
    name: 'OpenAI Responses: stream request answered 500',
    dialect: openaiDialect('openai'),
    path: '/v1/responses',
    request: '{"model":"gpt-5","stream":true,"input":"hi"}',
    status: 500,
    body: '{"error":{"message":"The server had an error while processing your request.","type":"server_error","param":null,"code":null}}',
    expected: { stream: true, billable: false, model: 'gpt-5', endpoint: 'responses' },
  },
  {
    name: 'Gemini: streamGenerateContent?alt=sse answered 429 RESOURCE_EXHAUSTED',
    dialect: geminiDialect('gemini'),
    path: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
    request: '{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}',
    status: 429,
    body: '{"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).","status":"RESOURCE_EXHAUSTED"}}',
    expected: { stream: true, billable: false, model: 'gemini-2.5-pro' },
  },
  {
    name: 'Vertex Claude: streamRawPredict answered 529 overloaded',
    dialect: geminiDialect('vertex'),
    path: '/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
    request: '{"anthropic_version":"vertex-2023-10-16","max_tokens":64,"messages":[]}',
    status: 529,
    body: '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
    expected: { stream: true, billable: false, model: 'claude-sonnet-4-5@20250929' },
  },
  {
    name: 'Bedrock: converse-stream answered 400 ValidationException',
    dialect: bedrockDialect(),
    path: '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse-stream',
    request: '{"messages":[]}',
    status: 400,
    body: '{"message":"A conversation must start with a user message."}',
    expected: { stream: true, billable: false, endpoint: 'converse-stream' },
  },
  {
    name: 'Amazon Q: generateAssistantResponse answered 403 AccessDeniedException',
    dialect: amazonQDialect(),
    path: '/generateAssistantResponse',
    request: '{"conversationState":{"currentMessage":{"userInputMessage":{"content":"hi"}}}}',
    status: 403,
    body: '{"__type":"AccessDeniedException","message":"User is not authorized"}',
    expected: { stream: true, billable: false, endpoint: 'generateAssistantResponse' },
  },
  {
    name: 'TOKENTAP_PROVIDERS field map: stream request answered 503',
    dialect: fieldMapDialect('acme', { inputTokens: 'usage.in', outputTokens: 'usage.out' }),
    path: '/v2/generate',
    request: '{"model":"acme-1","stream":true,"prompt":"hi"}',
    status: 503,
    body: '{"error":"overloaded"}',
    expected: { stream: true, billable: false, model: 'acme-1' },
  },
  {
    name: 'an error answer that reports usage keeps it, billable',
    dialect: openaiDialect('openai'),
    path: '/v1/chat/completions',
    request: '{"model":"gpt-4.1","messages":[]}',
    status: 500,
    body: '{"error":{"message":"upstream timed out","type":"server_error"},"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}',
    expected: { stream: false, billable: true, usageSource: 'provider', inputTokens: 12 },
  },
  {
    name: 'a success without usage stays billable (its endpoint is)',
    dialect: anthropicDialect,
    path: '/v1/complete',
    request: '{"model":"claude-2.1","prompt":"x","max_tokens_to_sample":5}',
    status: 200,
    body: '{"type":"completion","completion":"ok","model":"claude-2.1"}',
    expected: { stream: false, billable: true, usageSource: 'none' },
  },
]

describe('error answers, every chunking', () => {
  for (const c of cases) {
    test(c.name, () => {
      const runs = replayRuns(c.dialect, meta(c.path), {
        status: c.status,
        headers: JSON_TYPE,
        requestBody: c.request,
        responseBody: c.body,
      })
      const first = runs[0]!.usage
      expect(first).toMatchObject(c.expected)
      const bad = firstMismatch(runs, first)
      if (bad) expect(bad).toEqual({ label: bad.label, usage: first })
    })
  }
})

test('an exchange cut before any answer keeps its billability and the requested stream', () => {
  const parser = anthropicDialect.createParser(meta('/v1/messages'))
  parser.pushRequest(new TextEncoder().encode('{"model":"claude-opus-4-1","stream":true}'))
  parser.endRequest(false)
  expect(parser.end()).toMatchObject({ stream: true, billable: true, usageSource: 'none' })
})
