// buildRecord: the facts and the usage in the record's shape; secrets in the path's query, the
// error and the parse error never reach it; missing buckets are null, never 0.

import { expect, test } from 'bun:test'
import { buildRecord } from './build.ts'
import type { ExchangeFacts } from './result.ts'

const facts: ExchangeFacts = {
  startedAt: Date.parse('2026-03-01T10:00:00Z'),
  endedAt: Date.parse('2026-03-01T10:00:01.5Z'),
  firstByteAt: null,
  host: 'generativelanguage.googleapis.com',
  method: 'POST',
  path: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=AIzaSyA-abcdefghijklmnop',
  transport: 'http',
  status: 502,
  outcome: 'failed',
  user: 'bob',
  project: 'billing',
  session: 's1',
  agent: 'a0aaff6c392cc486a',
  agentType: 'general-purpose',
  program: 'GeminiCLI',
  billingKind: 'api_key',
  account: 'f00dfeedf00dfeedf00d',
  requestBytes: 12,
  responseBytes: 0,
  error: 'upstream said: invalid x-goog-api-key AIzaSyA-abcdefghijklmnop',
}

test('facts and usage become the record, secrets redacted, unpriced', () => {
  const r = buildRecord('id-7', facts, {
    provider: 'gemini',
    model: 'gemini-2.5-pro',
    usageSource: 'partial',
    billable: true,
    inputTokens: 5,
    parseError: 'body echoed Bearer sk-abcdefghijklmnopqrstuvwxyz',
  })
  expect(r).toMatchObject({
    id: 'id-7',
    startedAt: '2026-03-01T10:00:00.000Z',
    durationMs: 1500,
    ttfbMs: null,
    provider: 'gemini',
    path: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=***',
    endpoint: null,
    stream: false,
    status: 502,
    outcome: 'failed',
    inputTokens: 5,
    outputTokens: null,
    cacheReadTokens: null,
    user: 'bob',
    project: 'billing',
    session: 's1',
    agent: 'a0aaff6c392cc486a',
    agentType: 'general-purpose',
    costUsd: null,
    priceSource: null,
    priceVersion: null,
  })
  const text = JSON.stringify(r)
  expect(text).not.toContain('AIzaSyA-abcdefghijklmnop')
  expect(text).not.toContain('sk-abcdefghijklmnopqrstuvwxyz')
})

test('a clock that ran backwards never yields a negative duration', () => {
  const r = buildRecord(
    'id-8',
    { ...facts, endedAt: facts.startedAt - 5, firstByteAt: 0 },
    {
      provider: 'gemini',
      usageSource: 'none',
      billable: false,
    },
  )
  expect([r.durationMs, r.ttfbMs]).toEqual([0, 0])
})
