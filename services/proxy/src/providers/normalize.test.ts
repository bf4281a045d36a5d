// A reprice recomputes from what a row stores: for every dialect fixture, the stored raw_usage
// with the stored tier and units normalises to the buckets and billing the live parser recorded.

import { describe, expect, test } from 'bun:test'
import type { ParsedUsage } from '@tokentap/shared'
import { jsonFixtures } from './anthropic/testing/json.ts'
import { streamFixtures } from './anthropic/testing/streams.ts'
import { bedrockJsonFixtures } from './bedrock/testing/bedrock-json.ts'
import { bedrockStreamFixtures } from './bedrock/testing/bedrock-streams.ts'
import { geminiFixtures } from './gemini/testing/fixtures.ts'
import { vertexClaudeFixtures } from './gemini/testing/vertex-claude.ts'
import { normalizeStoredUsage } from './normalize.ts'
import { chatJsonFixtures } from './openai/testing/chat-json.ts'
import { chatStreamFixtures } from './openai/testing/chat-streams.ts'
import { compatStreamFixtures } from './openai/testing/compat-streams.ts'
import { responsesFixtures } from './openai/testing/responses.ts'
import { expectedRecords } from './openai/testing/responses-ws.ts'
import type { WireFormat } from './table.ts'
import { billedPart } from './testing/billing.ts'

const byFormat: Array<[WireFormat, Array<{ name: string; expected: ParsedUsage }>]> = [
  ['anthropic', [...jsonFixtures, ...streamFixtures]],
  [
    'openai',
    [...chatJsonFixtures, ...chatStreamFixtures, ...compatStreamFixtures, ...responsesFixtures],
  ],
  ['openai', expectedRecords.map((expected, i) => ({ name: `websocket record ${i}`, expected }))],
  ['gemini', [...geminiFixtures, ...vertexClaudeFixtures]],
  ['bedrock', [...bedrockJsonFixtures, ...bedrockStreamFixtures]],
]

/** Records whose buckets do not come from their raw usage alone: count endpoints (input only),
 *  embeddings (no output is 0), and records without usage. */
const rereadable = (u: ParsedUsage): boolean =>
  typeof u.rawUsage === 'object' &&
  u.rawUsage !== null &&
  u.billable &&
  !/count|embeddings/i.test(u.endpoint ?? '')

describe.each(byFormat)('%s fixtures', (format, fixtures) => {
  const cases = fixtures.filter((f) => rereadable(f.expected))
  test.each(cases.map((f) => [f.name, f.expected] as const))('%s', (_name, expected) => {
    const again = normalizeStoredUsage(format, expected.rawUsage, {
      serviceTier: expected.serviceTier ?? null,
      units: expected.units ?? null,
    })
    expect(billedPart(again)).toEqual(billedPart(expected))
  })
})

test('formats without token usage to re-read, and non-objects, give null', () => {
  expect(normalizeStoredUsage('amazon-q', { credits: 1 })).toBeNull()
  expect(normalizeStoredUsage('anthropic', null)).toBeNull()
  expect(normalizeStoredUsage('openai', { something: 1 })).toBeNull()
  expect(
    normalizeStoredUsage('bedrock', { prompt_token_count: 7, generation_token_count: 2 }),
  ).toMatchObject({
    inputTokens: 7,
    outputTokens: 2,
  })
})
