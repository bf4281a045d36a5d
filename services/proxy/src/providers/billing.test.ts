// Billed units end to end, per provider (issue 14): each fixture replayed at every chunk
// boundary gives one record; that record, built and priced, costs what the fixture worked out by
// hand from the published prices; and its stored raw_usage (+ the stored tier and units)
// normalises again to the same buckets and billing — what a reprice relies on.

import { describe, expect, test } from 'bun:test'
import { createPricer } from '../pricing/pricer.ts'
import { buildRecord } from '../records/build.ts'
import type { ExchangeFacts } from '../records/result.ts'
import { anthropicJsonBillingFixtures } from './anthropic/testing/billing-json.ts'
import { anthropicStreamBillingFixtures } from './anthropic/testing/billing-streams.ts'
import { bedrockModel } from './bedrock/paths.ts'
import { bedrockBillingFixtures } from './bedrock/testing/billing.ts'
import { geminiBillingFixtures } from './gemini/testing/billing.ts'
import { normalizeStoredUsage } from './normalize.ts'
import { chatBillingFixtures } from './openai/testing/billing-chat.ts'
import { responsesBillingFixtures } from './openai/testing/billing-responses.ts'
import { type BillingFixture, billedPart } from './testing/billing.ts'
import { firstMismatch, replayRuns } from './testing/replay.ts'

const FIXTURES: BillingFixture[] = [
  ...anthropicJsonBillingFixtures,
  ...anthropicStreamBillingFixtures,
  ...chatBillingFixtures,
  ...responsesBillingFixtures,
  ...geminiBillingFixtures,
  ...bedrockBillingFixtures,
]

const pricer = createPricer()

function facts(f: BillingFixture): ExchangeFacts {
  return {
    startedAt: Date.parse(f.startedAt),
    endedAt: Date.parse(f.startedAt) + 1000,
    firstByteAt: null,
    host: f.meta.host,
    method: f.meta.method,
    path: f.meta.path,
    transport: 'http',
    status: f.exchange.status ?? null,
    outcome: 'ok',
    user: null,
    project: null,
    session: null,
    agent: null,
    agentType: null,
    program: null,
    billingKind: 'api_key',
    account: null,
    requestBytes: 0,
    responseBytes: 0,
    error: null,
  }
}

describe.each(FIXTURES.map((f) => [f.name, f] as const))('%s', (_name, f) => {
  test('every chunking gives the expected record', () => {
    const runs = replayRuns(f.dialect, f.meta, f.exchange)
    expect(runs[0]?.usage).toEqual(f.expected)
    const bad = firstMismatch(runs, f.expected)
    if (bad) expect(bad).toEqual({ label: bad.label, usage: f.expected })
  })

  test('the record costs the hand-worked price; units reach their columns', () => {
    const record = buildRecord('0190f5a8-7b3c-7def-8123-456789abcdef', facts(f), f.expected)
    expect(pricer.price(record)).toMatchObject({ costUsd: f.cost, unpricedUnits: f.unpriced })
    expect(record).toMatchObject({
      audioInputTokens: f.expected.units?.input_audio_tokens ?? null,
      audioOutputTokens: f.expected.units?.output_audio_tokens ?? null,
      webSearches: f.expected.units?.web_searches ?? null,
    })
  })

  test('stored raw_usage + tier + units normalise to the same buckets and billing', () => {
    const again = normalizeStoredUsage(f.format, f.expected.rawUsage, {
      serviceTier: f.expected.serviceTier ?? null,
      units: f.expected.units ?? null,
    })
    expect(billedPart(again)).toEqual(billedPart(f.expected))
  })
})

test('Bedrock model ids: profiles and ARNs resolve where the ARN names the model', () => {
  const arn = (resource: string, partition = 'aws') =>
    `arn:${partition}:bedrock:us-east-1:123456789012:${resource}`
  const global = 'global.anthropic.claude-sonnet-4-5-20250929-v1:0'
  expect(bedrockModel(global, 'claude-sonnet-4-5-20250929')).toBe(global)
  expect(bedrockModel(arn(`inference-profile/${global}`), 'claude-x')).toBe(global)
  expect(bedrockModel(arn('foundation-model/anthropic.claude-3-haiku-20240307-v1:0'), null)).toBe(
    'anthropic.claude-3-haiku-20240307-v1:0',
  )
  expect(
    bedrockModel(arn('inference-profile/us-gov.anthropic.claude-x-v1:0', 'aws-us-gov'), null),
  ).toBe('us-gov.anthropic.claude-x-v1:0')
  // Opaque: what the response names, else the ARN (unpriced).
  expect(bedrockModel(arn('application-inference-profile/a1b2'), 'claude-haiku-4-5')).toBe(
    'claude-haiku-4-5',
  )
  expect(bedrockModel(arn('provisioned-model/pm1'), null)).toBe(arn('provisioned-model/pm1'))
  expect(bedrockModel(null, 'x')).toBeNull()
})
