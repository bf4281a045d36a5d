// The Anthropic dialect replayed over every fixture at every chunk boundary, plus the bounds:
// oversized SSE events and JSON bodies, and a parser that never throws.

import { describe, expect, test } from 'bun:test'
import type { ExchangeMeta } from '@tokentap/shared'
import { firstMismatch, replayRuns, runExchange, toBytes } from '../testing/replay.ts'
import { anthropicDialect, classifyAnthropicPath } from './parser.ts'
import { JSON_HEADERS, meta, SSE_HEADERS } from './testing/common.ts'
import { jsonFixtures } from './testing/json.ts'
import { basicStream, streamFixtures } from './testing/streams.ts'

describe('anthropic fixtures, every chunking', () => {
  for (const fixture of [...jsonFixtures, ...streamFixtures]) {
    test(fixture.name, () => {
      const runs = replayRuns(anthropicDialect, fixture.meta, fixture.exchange)
      expect(runs.length).toBeGreaterThan(2)
      expect(runs[0]?.usage).toEqual(fixture.expected)
      const bad = firstMismatch(runs, fixture.expected)
      // On failure, the label names the chunking and the diff shows the record it produced.
      if (bad) expect(bad).toEqual({ label: bad.label, usage: fixture.expected })
    })
  }
})

test('a ~5 KB stream replays at every split point', () => {
  const fixture = streamFixtures[0]!
  const size = toBytes(fixture.exchange.responseBody).length
  const runs = replayRuns(anthropicDialect, fixture.meta, fixture.exchange)
  expect(size).toBeGreaterThan(4000)
  expect(runs.length).toBeGreaterThan(size)
})

test('endpoints', () => {
  expect(classifyAnthropicPath('/v1/messages?beta=true')).toEqual({
    kind: 'messages',
    endpoint: 'messages',
    billable: true,
  })
  expect(classifyAnthropicPath('/v1/messages/').endpoint).toBe('messages')
  expect(classifyAnthropicPath('/v1/messages/count_tokens').billable).toBe(false)
  expect(classifyAnthropicPath('/v1/complete').endpoint).toBe('complete')
  expect(classifyAnthropicPath('/v1/messages/batches?limit=2')).toEqual({
    kind: 'other',
    endpoint: '/v1/messages/batches',
    billable: false,
  })
})

const sse = (stream: string, chunkSize: number) => {
  const bytes = toBytes(stream)
  const chunks: Uint8Array[] = []
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize))
  return chunks
}

const messages: ExchangeMeta = meta('/v1/messages')
const request = [toBytes('{"model":"claude-opus-4-1","stream":true}')]

describe('bounds', () => {
  test('a huge content_block_delta is skipped without hurting usage', () => {
    const huge = `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${'x'.repeat(3 << 20)}"}}\n\n`
    const stream = basicStream.replace(
      'event: content_block_stop',
      `${huge}event: content_block_stop`,
    )
    const usage = runExchange(
      anthropicDialect,
      messages,
      { status: 200, headers: SSE_HEADERS },
      request,
      sse(stream, 64 << 10),
    )
    expect(usage.usageSource).toBe('provider')
    expect(usage.outputTokens).toBe(15)
    expect(usage.parseError).toBeNull()
  })

  test('an oversized usage event is reported, not parsed', () => {
    const pad = ' '.repeat(2 << 20)
    const stream = basicStream.replace(
      '"usage":{"output_tokens":15}',
      `"usage":{"output_tokens":15},"pad":"${pad}"`,
    )
    const usage = runExchange(
      anthropicDialect,
      messages,
      { status: 200, headers: SSE_HEADERS },
      request,
      sse(stream, 60000),
    )
    expect(usage.usageSource).toBe('partial')
    expect(usage.outputTokens).toBe(1)
    expect(usage.parseError).toBe('message_delta: event too large')
  })

  test('a JSON response over 4 MiB keeps id and model from the head, usage from the tail', () => {
    const body = `{"id":"msg_big","type":"message","role":"assistant","model":"claude-opus-4-1-20250805","content":[{"type":"text","text":"${'é'.repeat(3 << 20)}"},{"type":"tool_use","id":"t","name":"n","input":{"usage":{"input_tokens":1}}}],"stop_reason":"end_turn","usage":{"input_tokens":7,"cache_read_input_tokens":3,"output_tokens":9,"cache_creation":{"ephemeral_1h_input_tokens":2}}}`
    const usage = runExchange(
      anthropicDialect,
      messages,
      { status: 200, headers: JSON_HEADERS },
      request,
      sse(body, 1 << 16),
    )
    expect(usage).toMatchObject({
      model: 'claude-opus-4-1-20250805',
      responseId: 'msg_big',
      usageSource: 'provider',
      inputTokens: 7,
      outputTokens: 9,
      cacheReadTokens: 3,
      cacheWrite5mTokens: 0,
      cacheWrite1hTokens: 2,
      parseError: null,
    })
  })

  test('an oversized request falls back to scanning its head and tail', () => {
    const big = `{"max_tokens":10,"messages":[{"role":"user","content":"${'a'.repeat(1 << 20)}"}],"model":"claude-haiku-4-5","stream":true}`
    const usage = runExchange(anthropicDialect, messages, {}, [toBytes(big)], [])
    expect(usage.model).toBe('claude-haiku-4-5')
    expect(usage.stream).toBe(true)
  })
})

describe('robustness', () => {
  test('calls out of order, repeated end() and binary noise never throw', () => {
    const parser = anthropicDialect.createParser(messages)
    parser.pushResponse(new Uint8Array([0xff, 0xfe, 0x00, 0x7b]))
    parser.onResponseHead(200, SSE_HEADERS)
    parser.pushRequest(new Uint8Array([0xc3]))
    parser.endRequest(false)
    parser.endRequest(true)
    const first = parser.end()
    parser.pushResponse(new Uint8Array([1, 2, 3]))
    expect(parser.end()).toBe(first)
    expect(first.usageSource).toBe('none')
  })

  test('random bytes under SSE and JSON content types never throw', () => {
    let seed = 42
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff
      return seed & 0xff
    }
    for (const headers of [SSE_HEADERS, JSON_HEADERS]) {
      for (let run = 0; run < 50; run++) {
        const bytes = Uint8Array.from({ length: 300 }, random)
        const usage = runExchange(
          anthropicDialect,
          messages,
          { status: 200, headers },
          [bytes],
          sse(new TextDecoder().decode(bytes), 17),
        )
        expect(usage.provider).toBe('anthropic')
      }
    }
  })
})
