// Bedrock and Amazon Q replayed over every fixture at every chunk boundary (binary event-stream
// frames split anywhere), plus the event-stream reader's bounds and route classification.

import { describe, expect, test } from 'bun:test'
import { firstMismatch, replayRuns } from '../testing/replay.ts'
import { amazonQDialect, creditsOf } from './amazon-q.ts'
import { bedrockDialect } from './bedrock.ts'
import { createEventStreamReader } from './event-stream.ts'
import { classifyBedrockPath } from './paths.ts'
import { amazonQFixtures } from './testing/amazon-q.ts'
import { bedrockJsonFixtures } from './testing/bedrock-json.ts'
import { bedrockStreamFixtures } from './testing/bedrock-streams.ts'
import { chunk, concat, event, type Fixture, frame } from './testing/common.ts'

function check(dialect: ReturnType<typeof bedrockDialect>, fixture: Fixture): void {
  const runs = replayRuns(dialect, fixture.meta, fixture.exchange)
  expect(runs.length).toBeGreaterThan(2)
  expect(runs[0]?.usage).toEqual(fixture.expected)
  const bad = firstMismatch(runs, fixture.expected)
  if (bad) expect(bad).toEqual({ label: bad.label, usage: fixture.expected })
}

describe('bedrock fixtures, every chunking', () => {
  for (const fixture of [...bedrockJsonFixtures, ...bedrockStreamFixtures])
    test(fixture.name, () => check(bedrockDialect(), fixture))
})

describe('amazon q fixtures, every chunking', () => {
  for (const fixture of amazonQFixtures) test(fixture.name, () => check(amazonQDialect(), fixture))
})

test('creditsOf reads rawUsage.credits', () => {
  expect(creditsOf(amazonQFixtures[0]!.expected)).toBe(0.42)
  expect(creditsOf(bedrockJsonFixtures[0]!.expected)).toBeNull()
  expect(creditsOf({ provider: 'amazon-q', usageSource: 'none', billable: true })).toBeNull()
})

test('routes', () => {
  expect(classifyBedrockPath('/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke')).toEqual({
    operation: 'invoke',
    endpoint: 'invoke',
    billable: true,
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  })
  expect(
    classifyBedrockPath(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x/converse-stream',
    ),
  ).toMatchObject({
    operation: 'converse-stream',
    modelId: 'arn:aws:bedrock:us-east-1:1:inference-profile/us.x',
  })
  expect(classifyBedrockPath('/model/m/async-invoke')).toMatchObject({
    operation: null,
    billable: false,
  })
  expect(classifyBedrockPath('/guardrail/g1/version/1/apply').endpoint).toBe(
    '/guardrail/g1/version/1/apply',
  )
})

describe('event-stream reader', () => {
  const frames = [
    event('messageStart', { role: 'assistant' }),
    chunk({ type: 'ping' }),
    event('x', {}),
  ]
  const bytes = concat(frames)

  test('reassembles frames split at every byte, headers typed', () => {
    for (let at = 0; at <= bytes.length; at++) {
      const reader = createEventStreamReader()
      const messages = [...reader.push(bytes.slice(0, at)), ...reader.push(bytes.slice(at))]
      expect(messages.map((m) => m.headers[':event-type'])).toEqual(['messageStart', 'chunk', 'x'])
      expect(reader.buffered).toBe(0)
      expect(reader.error).toBeNull()
    }
    const typed = frame({ ':event-type': 'e' }, '{}')
    expect(createEventStreamReader().push(typed)[0]?.headers).toEqual({ ':event-type': 'e' })
  })

  test('a bad prelude CRC or an impossible length stops the reader', () => {
    const bad = bytes.slice()
    bad[9] = (bad[9] ?? 0) ^ 0xff
    const reader = createEventStreamReader()
    expect(reader.push(bad)).toEqual([])
    expect(reader.error).toBe('event-stream prelude CRC mismatch')
    expect(reader.push(frames[0]!)).toEqual([])

    const small = createEventStreamReader(64)
    expect(small.push(bytes)).toEqual([])
    expect(small.error).toMatch(/length \d+ out of bounds/)
  })

  test('a cut frame stays buffered', () => {
    const reader = createEventStreamReader()
    expect(reader.push(bytes.subarray(0, bytes.length - 3)).length).toBe(2)
    expect(reader.buffered).toBe(frames[2]!.length - 3)
  })
})
