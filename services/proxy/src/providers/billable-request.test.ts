// billableRequest of every built-in dialect: which requests bill (so a hard budget may block them
// before they go upstream), where their model is named, and which error format answers them.

import { describe, expect, test } from 'bun:test'
import type { BillableRequest, ExchangeMeta } from '@tokentap/shared'
import { wireFormatDialect } from './registry.ts'

type Case = [method: string, path: string, expected: BillableRequest | null, headers?: object]

const judge = (format: Parameters<typeof wireFormatDialect>[0], cases: Case[]) => {
  const dialect = wireFormatDialect(format, 'p')
  for (const [method, path, expected, headers] of cases) {
    const meta: ExchangeMeta = {
      host: 'h',
      method,
      path,
      requestHeaders: { ...(headers as Record<string, string>) },
    }
    expect([method, path, dialect.billableRequest?.(meta) ?? null]).toEqual([
      method,
      path,
      expected,
    ])
  }
}

const body = (errorFormat: BillableRequest['errorFormat'], pathModel: string | null = null) => ({
  pathModel,
  modelInBody: true,
  errorFormat,
})
const path = (errorFormat: BillableRequest['errorFormat'], pathModel: string | null) => ({
  pathModel,
  modelInBody: false,
  errorFormat,
})

describe('billableRequest', () => {
  test('Anthropic: Messages and Complete POSTs, the model in the body', () => {
    judge('anthropic', [
      ['POST', '/v1/messages?beta=true', body('anthropic')],
      ['POST', '/v1/messages/', body('anthropic')],
      ['POST', '/v1/complete', body('anthropic')],
      ['POST', '/v1/messages/count_tokens?beta=true', null],
      ['GET', '/v1/messages', null],
      ['GET', '/v1/models', null],
      ['POST', '/v1/messages/batches', null],
      ['GET', '/api/claude_code/policy_limits', null],
      ['POST', '/api/event_logging/batch', null],
    ])
  })

  test('OpenAI-style: chat, completions, embeddings, responses (+ its WebSocket), Azure deployments', () => {
    const ws = { upgrade: 'websocket', connection: 'Upgrade' }
    const cases: Case[] = [
      ['POST', '/v1/chat/completions', body('openai')],
      ['POST', '/v1/completions', body('openai')],
      ['POST', '/v1/embeddings', body('openai')],
      ['POST', '/v1/responses', body('openai')],
      ['POST', '/v1/responses/compact', body('openai')],
      ['POST', '/backend-api/codex/responses', body('openai')],
      ['POST', '/api/v1/chat/completions', body('openai')],
      ['GET', '/v1/responses', body('openai'), ws],
      ['GET', '/v1/responses', null],
      ['GET', '/v1/realtime', null, ws],
      ['POST', '/v1/responses/input_tokens', null],
      ['GET', '/v1/models', null],
      ['GET', '/backend-api/codex/models', null],
      [
        'POST',
        '/openai/deployments/my-gpt/chat/completions?api-version=2024-10-21',
        body('openai', 'my-gpt'),
      ],
    ]
    judge('openai', cases)
    judge('openai-chat', cases)
    judge('openai-responses', cases)
  })

  test('Gemini, Vertex, Code Assist: the path names the model, except Code Assist and openapi', () => {
    judge('gemini', [
      ['POST', '/v1beta/models/gemini-2.5-pro:generateContent', path('google', 'gemini-2.5-pro')],
      [
        'POST',
        '/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
        path('google', 'gemini-2.5-flash'),
      ],
      ['POST', '/v1internal:streamGenerateContent?alt=sse', body('google')],
      ['POST', '/v1internal:generateContent', body('google')],
      [
        'POST',
        '/v1/projects/p/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict',
        path('google', 'claude-sonnet-4-5@20250929'),
      ],
      [
        'POST',
        '/v1/projects/p/locations/global/endpoints/openapi/chat/completions',
        body('google'),
      ],
      ['POST', '/v1beta/models/gemini-2.5-pro:countTokens', null],
      ['POST', '/v1internal:countTokens', null],
      ['POST', '/v1internal:loadCodeAssist', null],
      ['GET', '/v1beta/models', null],
      [
        'POST',
        '/v1/projects/p/locations/l/publishers/anthropic/models/count-tokens:rawPredict',
        null,
      ],
    ])
  })

  test('Bedrock: invoke and converse name the model in the path; count-tokens is free', () => {
    const id = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
    judge('bedrock', [
      ['POST', `/model/${encodeURIComponent(id)}/invoke`, path('aws', id)],
      ['POST', `/model/${encodeURIComponent(id)}/converse-stream`, path('aws', id)],
      [
        'POST',
        `/model/${encodeURIComponent('arn:aws:bedrock:us-east-1:1:inference-profile/us.x-v1:0')}/converse`,
        path('aws', 'us.x-v1:0'),
      ],
      ['POST', `/model/${encodeURIComponent(id)}/count-tokens`, null],
      ['GET', `/model/${encodeURIComponent(id)}/invoke`, null],
    ])
  })

  test('dialects that cannot tell (Amazon Q credits) say nothing: never blocked', () => {
    expect(wireFormatDialect('amazon-q', 'amazon-q').billableRequest).toBeUndefined()
  })
})
