// What each dialect offers for a token estimate (seenText): the request as captured and the
// visible output text, the same under every chunking, for every fixture corpus and for
// hand-built exchanges whose output text is known exactly.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ProviderDialect, SeenText, WsMessage } from '@tokentap/shared'
import { anthropicDialect } from '../anthropic/parser.ts'
import { jsonFixtures } from '../anthropic/testing/json.ts'
import { streamFixtures } from '../anthropic/testing/streams.ts'
import { bedrockDialect } from '../bedrock/bedrock.ts'
import { bedrockJsonFixtures } from '../bedrock/testing/bedrock-json.ts'
import { bedrockStreamFixtures } from '../bedrock/testing/bedrock-streams.ts'
import { chunk as bedrockChunk, event as bedrockEvent, concat } from '../bedrock/testing/common.ts'
import { geminiDialect } from '../gemini/gemini.ts'
import { geminiFixtures } from '../gemini/testing/fixtures.ts'
import { vertexClaudeFixtures } from '../gemini/testing/vertex-claude.ts'
import { openaiDialect } from '../openai/index.ts'
import { chatJsonFixtures } from '../openai/testing/chat-json.ts'
import { chatStreamFixtures, words } from '../openai/testing/chat-streams.ts'
import { meta as openaiMeta, sse } from '../openai/testing/common.ts'
import { compatStreamFixtures } from '../openai/testing/compat-streams.ts'
import { responsesFixtures } from '../openai/testing/responses.ts'
import { client, server } from '../openai/testing/responses-ws.ts'
import type { ReplayExchange } from '../testing/replay.ts'
import { replaySeen } from '../testing/seen.ts'

interface Case {
  name: string
  meta: ExchangeMeta
  exchange: ReplayExchange
}

/** Every chunking gives the same SeenText; returns it. */
function sameEverywhere(dialect: ProviderDialect, c: Case): SeenText | null {
  const runs = replaySeen(dialect, c.meta, c.exchange)
  const first = runs[0]!.seen
  const odd = runs.find((r) => !Bun.deepEquals(r.seen, first))
  expect(odd ? `${odd.label}: ${JSON.stringify(odd.seen)}` : null).toBeNull()
  return first
}

describe('every fixture: the same text under every chunking', () => {
  const corpora: [string, Case[], (c: Case) => ProviderDialect][] = [
    ['anthropic', [...jsonFixtures, ...streamFixtures], () => anthropicDialect],
    [
      'openai',
      [...chatJsonFixtures, ...chatStreamFixtures, ...compatStreamFixtures, ...responsesFixtures],
      () => openaiDialect('openai', { injectStreamUsage: false }),
    ],
    ['gemini', [...geminiFixtures, ...vertexClaudeFixtures], () => geminiDialect('gemini')],
    ['bedrock', [...bedrockJsonFixtures, ...bedrockStreamFixtures], () => bedrockDialect()],
  ]
  for (const [name, cases, dialect] of corpora) {
    describe(name, () => {
      for (const c of cases)
        test(c.name, () => {
          sameEverywhere(dialect(c), c)
        })
    })
  }
})

const enc = (o: unknown): string => JSON.stringify(o)
const anthropicEvent = (type: string, body: object): string =>
  `event: ${type}\ndata: ${enc({ type, ...body })}\n\n`

describe('exact output text', () => {
  test('Anthropic stream cut before its usage: text, thinking and tool input, no signature', () => {
    const request = enc({ model: 'claude-sonnet-4-5', stream: true, messages: [] })
    const delta = (index: number, d: object) =>
      anthropicEvent('content_block_delta', { index, delta: d })
    const body = [
      anthropicEvent('ping', {}),
      delta(0, { type: 'thinking_delta', thinking: 'Think.' }),
      delta(0, { type: 'signature_delta', signature: 'c2lnbmF0dXJl' }),
      delta(1, { type: 'text_delta', text: 'Hello' }),
      delta(1, { type: 'text_delta', text: ' wörld 🚀' }),
      delta(2, { type: 'input_json_delta', partial_json: '{"a":' }),
      // Events without an `event:` line are sniffed.
      `data: ${enc({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '1}' } })}\n\n`,
    ].join('')
    const seen = sameEverywhere(anthropicDialect, {
      name: 'cut',
      meta: { host: 'api.anthropic.com', method: 'POST', path: '/v1/messages', requestHeaders: {} },
      exchange: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        requestBody: request,
        responseBody: body,
      },
    })
    expect(seen).toEqual({
      request: { text: request, scale: 1, whole: true },
      output: { text: 'Think.Hello wörld 🚀{"a":1}', scale: 1 },
    })
  })

  test('Anthropic JSON: text blocks and tool input; count_tokens offers nothing', () => {
    const body = enc({
      id: 'msg_1',
      type: 'message',
      content: [
        { type: 'text', text: 'Listing.' },
        { type: 'tool_use', id: 't1', name: 'ls', input: { path: '.' } },
      ],
    })
    const m = (path: string): ExchangeMeta => ({
      host: 'api.anthropic.com',
      method: 'POST',
      path,
      requestHeaders: {},
    })
    const exchange = {
      status: 200,
      headers: { 'content-type': 'application/json' },
      requestBody: '{"model":"claude-haiku-4-5","messages":[]}',
      responseBody: body,
    }
    const seen = sameEverywhere(anthropicDialect, {
      name: 'json',
      meta: m('/v1/messages'),
      exchange,
    })
    expect(seen?.output.text).toBe('Listing.{"path":"."}')
    expect(
      sameEverywhere(anthropicDialect, {
        name: 'c',
        meta: m('/v1/messages/count_tokens'),
        exchange,
      }),
    ).toBeNull()
  })

  test('Chat stream without usage: the deltas, and the reason (include_usage not requested)', () => {
    const plain = chatStreamFixtures.find((f) => f.name.toLowerCase().includes('without'))
    const base = plain ?? chatStreamFixtures[0]!
    const request = enc({
      model: 'gpt-4.1',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const gpt = { id: 'c1', model: 'gpt-4.1' }
    const choice = (delta: object) => ({ ...gpt, choices: [{ index: 0, delta }] })
    const body = sse([
      choice({ role: 'assistant', content: '' }),
      ...words.map((w) => choice({ content: w })),
      choice({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '{"x":' } }] }),
      choice({ tool_calls: [{ index: 0, function: { arguments: '2}' } }] }),
      choice({ reasoning_content: 'hmm' }),
      '[DONE]',
    ])
    const seen = sameEverywhere(
      openaiDialect('openai', { streamUsage: 'inject', injectStreamUsage: false }),
      {
        name: 'chat',
        meta: base.meta,
        exchange: {
          status: 200,
          headers: { 'content-type': 'text/event-stream' },
          requestBody: request,
          responseBody: body,
        },
      },
    )
    expect(seen).toEqual({
      request: { text: request, scale: 1, whole: true },
      output: { text: `${words.join('')}{"x":2}hmm`, scale: 1 },
      reason:
        'stream without usage (the client did not ask for stream_options.include_usage; TOKENTAP_INJECT_STREAM_USAGE is off)',
    })
  })

  test('Chat JSON: message content and tool-call arguments; no reason when usage came', () => {
    const body = enc({
      id: 'c',
      model: 'gpt-4o',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Sure.',
            tool_calls: [{ id: 'x', type: 'function', function: { name: 'f', arguments: '{}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
    })
    const seen = sameEverywhere(openaiDialect('openai'), {
      name: 'json',
      meta: openaiMeta('api.openai.com', '/v1/chat/completions'),
      exchange: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        requestBody: '{"model":"gpt-4o"}',
        responseBody: body,
      },
    })
    expect(seen?.output).toEqual({ text: 'Sure.{}', scale: 1 })
    expect(seen?.reason).toBeUndefined()
  })

  test('Responses stream: text, reasoning summary and function-call deltas; audio ignored', () => {
    const ev = (type: string, body: object) => `event: ${type}\ndata: ${enc({ type, ...body })}\n\n`
    const body = [
      ev('response.created', { response: { id: 'resp_1', model: 'gpt-5' } }),
      ev('response.reasoning_summary_text.delta', { item_id: 'r', delta: 'Plan: ' }),
      ev('response.output_text.delta', { item_id: 'm', delta: 'Bonjour ' }),
      ev('response.audio.delta', { delta: 'AAAA' }),
      ev('response.output_text.delta', { item_id: 'm', delta: '日本' }),
      ev('response.function_call_arguments.delta', { item_id: 'f', delta: '{"q":1}' }),
    ].join('')
    const seen = sameEverywhere(openaiDialect('openai'), {
      name: 'responses',
      meta: openaiMeta('api.openai.com', '/v1/responses'),
      exchange: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        requestBody: '{"model":"gpt-5","input":"hi"}',
        responseBody: body,
      },
    })
    expect(seen?.output.text).toBe('Plan: Bonjour 日本{"q":1}')
  })

  test('Gemini SSE and JSON-array streams, Code Assist wrapper', () => {
    const part = (parts: object[]) => ({ candidates: [{ content: { role: 'model', parts } }] })
    const chunks = [
      part([{ text: 'Bon', thought: true }]),
      part([{ text: 'jour ☀' }]),
      part([{ functionCall: { name: 'w', args: { city: 'Paris' } } }]),
    ]
    const want = 'Bonjour ☀{"city":"Paris"}'
    const request = enc({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] })
    const g = geminiDialect('gemini')
    const m = (host: string, path: string): ExchangeMeta => ({
      host,
      method: 'POST',
      path,
      requestHeaders: {},
    })
    const host = 'generativelanguage.googleapis.com'
    const streamPath = '/v1beta/models/gemini-2.5-pro:streamGenerateContent'
    const sseSeen = sameEverywhere(g, {
      name: 'sse',
      meta: m(host, `${streamPath}?alt=sse`),
      exchange: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        requestBody: request,
        responseBody: chunks.map((c) => `data: ${enc(c)}\r\n\r\n`).join(''),
      },
    })
    expect(sseSeen).toEqual({
      request: { text: request, scale: 1, whole: true },
      output: { text: want, scale: 1 },
    })
    const arraySeen = sameEverywhere(g, {
      name: 'array',
      meta: m(host, streamPath),
      exchange: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        requestBody: request,
        responseBody: `[${chunks.map(enc).join(',\r\n')}]`,
      },
    })
    expect(arraySeen?.output.text).toBe(want)
    const assist = sameEverywhere(g, {
      name: 'code assist',
      meta: m('cloudcode-pa.googleapis.com', '/v1internal:streamGenerateContent?alt=sse'),
      exchange: {
        status: 200,
        headers: { 'content-type': 'text/event-stream' },
        requestBody: enc({ model: 'gemini-2.5-pro', request: {} }),
        responseBody: chunks.map((c) => `data: ${enc({ response: c })}\n\n`).join(''),
      },
    })
    expect(assist?.output.text).toBe(want)
  })

  test('Bedrock: ConverseStream deltas, Claude invoke stream, Converse JSON', () => {
    const b = bedrockDialect()
    const m = (op: string): ExchangeMeta => ({
      host: 'bedrock-runtime.us-east-1.amazonaws.com',
      method: 'POST',
      path: `/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/${op}`,
      requestHeaders: {},
    })
    const es = { 'content-type': 'application/vnd.amazon.eventstream' }
    const request = enc({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] })
    const converse = concat([
      bedrockEvent('messageStart', { role: 'assistant' }),
      bedrockEvent('contentBlockDelta', {
        contentBlockIndex: 0,
        delta: { reasoningContent: { text: 'R.' } },
      }),
      bedrockEvent('contentBlockDelta', { contentBlockIndex: 1, delta: { text: 'Hallo ✓' } }),
      bedrockEvent('contentBlockDelta', {
        contentBlockIndex: 2,
        delta: { toolUse: { input: '{"k":1}' } },
      }),
    ])
    const c = sameEverywhere(b, {
      name: 'converse-stream',
      meta: m('converse-stream'),
      exchange: { status: 200, headers: es, requestBody: request, responseBody: converse },
    })
    expect(c?.output.text).toBe('R.Hallo ✓{"k":1}')
    const invoke = concat([
      bedrockChunk({ type: 'message_start', message: { id: 'm', model: 'claude', usage: {} } }),
      bedrockChunk({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'text_delta', text: 'Salut' },
      }),
    ])
    const i = sameEverywhere(b, {
      name: 'invoke stream',
      meta: m('invoke-with-response-stream'),
      exchange: { status: 200, headers: es, requestBody: request, responseBody: invoke },
    })
    expect(i?.output.text).toBe('Salut')
    const json = enc({
      output: {
        message: {
          role: 'assistant',
          content: [{ text: 'Ok' }, { toolUse: { toolUseId: 't', name: 'n', input: { a: 1 } } }],
        },
      },
      stopReason: 'end_turn',
    })
    const j = sameEverywhere(b, {
      name: 'converse',
      meta: m('converse'),
      exchange: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        requestBody: request,
        responseBody: json,
      },
    })
    expect(j?.output.text).toBe('Ok{"a":1}')
  })
})

describe('Responses over WebSocket', () => {
  test('each response gets its own request and deltas', () => {
    const parser = openaiDialect('openai').createWsParser!(
      openaiMeta('chatgpt.com', '/backend-api/codex/responses'),
    )
    const delta = (d: string) => server('response.output_text.delta', { item_id: 'm', delta: d })
    const first = { type: 'response.create', model: 'gpt-5-codex', input: 'one' }
    const second = { type: 'response.create', model: 'gpt-5-codex', input: 'two' }
    const messages: WsMessage[] = [
      client(first),
      server('response.created', { response: { id: 'r1', model: 'gpt-5-codex' } }),
      delta('Un'),
      delta(' deux'),
      server('response.completed', { response: { id: 'r1', model: 'gpt-5-codex', usage: null } }),
      client(second),
      server('response.created', { response: { id: 'r2', model: 'gpt-5-codex' } }),
      delta('Trois'),
    ]
    const usages = messages.flatMap((m) => parser.onMessage(m))
    usages.push(...parser.end())
    expect(usages).toHaveLength(2)
    expect(usages.map((u) => parser.seenText?.(u))).toEqual([
      {
        request: { text: enc(first), scale: 1, whole: true },
        output: { text: 'Un deux', scale: 1 },
      },
      {
        request: { text: enc(second), scale: 1, whole: true },
        output: { text: 'Trois', scale: 1 },
      },
    ])
    expect(parser.seenText?.({ ...usages[0]! })).toBeNull() // by identity only
  })
})
