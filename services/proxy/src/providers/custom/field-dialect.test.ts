// The field-map dialect on JSON and SSE bodies, each replayed under every chunking.

import { describe, expect, test } from 'bun:test'
import { type ExchangeMeta, emptyBilling, type ParsedUsage } from '@tokentap/shared'
import { firstMismatch, replayRuns } from '../testing/replay.ts'
import type { FieldMap } from './config.ts'
import { fieldMapDialect, valueAtPath } from './field-dialect.ts'

const fields: FieldMap = {
  model: 'model',
  responseId: 'id',
  inputTokens: 'usage.in',
  outputTokens: 'usage.out',
  cacheReadTokens: 'usage.cached',
}
const meta: ExchangeMeta = {
  host: 'raw.acme.io',
  method: 'POST',
  path: '/gen?v=2',
  requestHeaders: { 'content-type': 'application/json' },
}
const request = JSON.stringify({ model: 'req-model', prompt: 'héllo' })

/** Every chunking gives the same record, which is returned. */
function replayed(map: FieldMap, type: string, body: string, status = 200): ParsedUsage {
  const runs = replayRuns(fieldMapDialect('acme-raw', map), meta, {
    status,
    headers: { 'content-type': type },
    requestBody: request,
    responseBody: body,
  })
  const first = runs[0]!.usage
  expect(firstMismatch(runs, first)?.label ?? null).toBeNull()
  return first
}

test('valueAtPath', () => {
  const doc = { a: [{ b: 1 }, { b: 2 }], c: { d: null } }
  expect(valueAtPath(doc, 'a.1.b')).toBe(2)
  expect(valueAtPath(doc, 'a.x')).toBeUndefined()
  expect(valueAtPath(doc, 'c.d.e')).toBeUndefined()
  expect(valueAtPath(doc, 'toString')).toBeUndefined()
})

describe('JSON', () => {
  test('reads every mapped field', () => {
    const body = JSON.stringify({
      id: 'r-1',
      model: 'acme-x',
      usage: { in: 7, out: 3, cached: 2 },
      text: 'ü€',
    })
    expect(replayed(fields, 'application/json; charset=utf-8', body)).toEqual({
      provider: 'acme-raw',
      endpoint: '/gen',
      model: 'acme-x',
      stream: false,
      responseId: 'r-1',
      usageSource: 'provider',
      billable: true,
      parseError: null,
      rawUsage: { inputTokens: 7, outputTokens: 3, cacheReadTokens: 2 },
      credits: null,
      inputTokens: 7,
      outputTokens: 3,
      cacheReadTokens: 2,
      cacheWrite5mTokens: null,
      cacheWrite1hTokens: null,
      reasoningTokens: null,
      ...emptyBilling(),
    })
  })

  test('array paths; partial when a count is missing; model falls back to the request', () => {
    const map: FieldMap = { inputTokens: 'choices.0.u.in', outputTokens: 'choices.0.u.out' }
    const body = JSON.stringify({ choices: [{ u: { in: 4 } }] })
    expect(replayed(map, 'application/json', body)).toMatchObject({
      model: 'req-model',
      inputTokens: 4,
      outputTokens: null,
      usageSource: 'partial',
    })
  })

  test('no usage, invalid JSON, empty body', () => {
    expect(replayed(fields, 'application/json', '{"error":"x"}', 500)).toMatchObject({
      usageSource: 'none',
      parseError: null,
    })
    expect(replayed(fields, 'application/json', '{"usage":')).toMatchObject({
      usageSource: 'none',
      parseError: 'response is not valid JSON',
    })
    expect(replayed(fields, 'application/json', '')).toMatchObject({
      usageSource: 'none',
      parseError: null,
    })
  })
})

describe('SSE', () => {
  const stream = [
    'event: start\ndata: {"id":"s-1","model":"acme-s"}\n\n',
    'event: delta\ndata: {"text":"héllo €"}\n\n',
    'event: delta\ndata: {"usage":{"in":5,"out":1}}\n\n',
    'event: done\r\ndata: {"usage":{"in":5,"out":9,"cached":1}}\r\n\r\n',
    'data: [DONE]\n\n',
  ].join('')

  test('the last event with usage wins; model and id from earlier events', () => {
    expect(replayed(fields, 'text/event-stream', stream)).toMatchObject({
      provider: 'acme-raw',
      stream: true,
      model: 'acme-s',
      responseId: 's-1',
      inputTokens: 5,
      outputTokens: 9,
      cacheReadTokens: 1,
      usageSource: 'provider',
      parseError: null,
    })
  })

  test('sse.event restricts which events are read', () => {
    const only = { ...fields, sse: { event: 'delta' } }
    expect(replayed(only, 'text/event-stream', stream)).toMatchObject({
      model: 'req-model',
      inputTokens: 5,
      outputTokens: 1,
      cacheReadTokens: null,
    })
    const cut = stream.slice(0, stream.indexOf('event: done'))
    expect(replayed({ ...fields, sse: { event: 'done' } }, 'text/event-stream', cut)).toMatchObject(
      {
        usageSource: 'none',
        inputTokens: null,
      },
    )
  })

  test('a broken-off stream keeps what it saw', () => {
    const cut = stream.slice(0, stream.indexOf('event: done') + 20)
    expect(replayed(fields, 'text/event-stream', cut)).toMatchObject({
      outputTokens: 1,
      usageSource: 'provider',
    })
  })
})

test('never throws on a parser without a head or body', () => {
  const p = fieldMapDialect('x', fields).createParser(meta)
  p.pushResponse(new Uint8Array([1, 2]))
  expect(p.end()).toMatchObject({ provider: 'x', usageSource: 'none', endpoint: '/gen' })
})
