// Responses over WebSocket: one record per response on a shared socket, warm-ups non-billable,
// errors closing the response in flight (or rejecting a request), and end() flushing the rest.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta, ParsedUsage, WsMessage } from '@tokentap/shared'
import { openaiDialect } from './index.ts'
import { openaiResponsesDialect } from './responses.ts'
import { record } from './testing/common.ts'
import { responseObject } from './testing/responses.ts'
import { client, conversation, expectedRecords, server } from './testing/responses-ws.ts'

const meta: ExchangeMeta = {
  host: 'chatgpt.com',
  method: 'GET',
  path: '/backend-api/codex/responses',
  requestHeaders: { 'openai-beta': 'responses_websockets=2026-02-06' },
}

function run(messages: WsMessage[]): { during: ParsedUsage[][]; atEnd: ParsedUsage[] } {
  const parser = openaiResponsesDialect('openai').createWsParser!(meta)
  const during = messages.map((message) => parser.onMessage(message))
  return { during, atEnd: parser.end() }
}

describe('responses over websocket', () => {
  test('warm-up, two responses and a cut-off third on one socket', () => {
    const { during, atEnd } = run(conversation)
    expect([...during.flat(), ...atEnd]).toEqual(expectedRecords)
    // Each record is yielded by the terminal event of its own response, no earlier.
    const yielded = during.map((records, i) => (records.length > 0 ? i : -1)).filter((i) => i >= 0)
    expect(yielded).toEqual([2, 8, 14])
  })

  test('the combined dialect exposes the same websocket parser', () => {
    const parser = openaiDialect('openai').createWsParser!(meta)
    const records = conversation.flatMap((message) => parser.onMessage(message))
    expect([...records, ...parser.end()]).toEqual(expectedRecords)
    expect(parser.end()).toEqual([])
  })

  test('an error before any response rejects the oldest request', () => {
    const { during, atEnd } = run([
      client({ type: 'response.create', model: 'gpt-5', previous_response_id: 'resp_gone' }),
      server('error', {
        status: 400,
        error: { type: 'invalid_request_error', code: 'previous_response_not_found', message: 'x' },
      }),
    ])
    expect(during[1]).toEqual([
      record({ provider: 'openai', endpoint: 'responses', model: 'gpt-5', stream: true }),
    ])
    expect(atEnd).toEqual([])
  })

  test('an error closes the response in flight; its later response.failed is not a second record', () => {
    const usage = { input_tokens: 5, output_tokens: 0 }
    const { during, atEnd } = run([
      client({ type: 'response.create', model: 'gpt-5' }),
      server('response.created', {
        response: responseObject('resp_x', 'in_progress', 'gpt-5-2025-08-07', null),
      }),
      server('error', { error: { type: 'server_error', message: 'boom' } }),
      server('response.failed', {
        response: responseObject('resp_x', 'failed', 'gpt-5-2025-08-07', usage),
      }),
    ])
    expect(during.flat()).toEqual([
      record({
        provider: 'openai',
        endpoint: 'responses',
        model: 'gpt-5-2025-08-07',
        stream: true,
        responseId: 'resp_x',
      }),
    ])
    expect(during[3]).toEqual([])
    expect(atEnd).toEqual([])
  })

  test('unanswered requests and garbage never throw; end() reports the request', () => {
    const parser = openaiResponsesDialect('openai').createWsParser!(meta)
    expect(
      parser.onMessage({ direction: 'server', opcode: 2, data: new Uint8Array([0xff, 0x00]) }),
    ).toEqual([])
    expect(parser.onMessage(server('response.output_text.delta', { delta: 'x' }))).toEqual([])
    parser.onMessage(client({ type: 'response.create', model: 'gpt-5-mini', generate: false }))
    expect(parser.end()).toEqual([
      record({
        provider: 'openai',
        endpoint: 'responses',
        model: 'gpt-5-mini',
        stream: true,
        billable: false,
      }),
    ])
  })
})

test('the combined dialect reads only Responses sockets', () => {
  const realtime = openaiDialect('openai').createWsParser!({
    ...meta,
    path: '/v1/realtime?model=gpt-realtime',
  })
  expect(
    realtime.onMessage(
      server('response.created', { response: { id: 'resp_rt', object: 'realtime.response' } }),
    ),
  ).toEqual([])
  expect(realtime.end()).toEqual([])
})
