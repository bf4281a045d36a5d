// Provider mapping and model spellings tried against genai-prices.

import { expect, test } from 'bun:test'
import { bedrockBaseModel, modelAliases, modelVariants, priceLookups } from './models.ts'

test('modelVariants: as given, @ → -, without a trailing date', () => {
  expect(modelVariants('claude-opus-4@20250514')).toEqual([
    'claude-opus-4@20250514',
    'claude-opus-4-20250514',
    'claude-opus-4',
  ])
  expect(modelVariants(' GPT-4o ')).toEqual(['gpt-4o'])
  expect(modelVariants('gpt-4o-2024-08-06')).toEqual(['gpt-4o-2024-08-06', 'gpt-4o'])
})

test('bedrockBaseModel strips profile region, vendor, version and ARN', () => {
  expect(bedrockBaseModel('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
    'claude-sonnet-4-5-20250929',
  )
  expect(
    bedrockBaseModel(
      'arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-opus-4-1-20250805-v1:0',
    ),
  ).toBe('claude-opus-4-1-20250805')
  expect(bedrockBaseModel('meta.llama3-3-70b-instruct-v1:0')).toBe('llama3-3-70b-instruct')
})

test('provider mapping', () => {
  const ids = (provider: string, model: string, host?: string) =>
    priceLookups(provider, model, host).map((l) =>
      'providerId' in l ? l.providerId : l.providerApiUrl,
    )
  expect(new Set(ids('azure-openai', 'gpt-4o'))).toEqual(new Set(['azure']))
  expect(new Set(ids('gemini', 'gemini-2.5-pro'))).toEqual(new Set(['google']))
  expect(new Set(ids('vertex', 'claude-sonnet-4-5@20250929'))).toEqual(
    new Set(['anthropic', 'google']),
  )
  expect(new Set(ids('bedrock', 'us.anthropic.claude-x-v1:0'))).toEqual(
    new Set(['aws', 'anthropic']),
  )
  expect(new Set(ids('xai', 'grok-4'))).toEqual(new Set(['x-ai']))
  expect(new Set(ids('openrouter', 'mistralai/devstral-2512'))).toEqual(
    new Set(['openrouter', 'mistral']),
  )
  expect(new Set(ids('openrouter', 'openai/gpt-oss-20b:free'))).toEqual(new Set(['openrouter']))
  expect(ids('amazon-q', 'claude-sonnet-4.5')).toEqual([])
  expect(ids('anthropic', '  ')).toEqual([])
  expect(new Set(ids('api.together.xyz', 'x', 'api.together.xyz'))).toEqual(
    new Set(['https://api.together.xyz']),
  )
  expect(ids('llm.internal', 'x')).toEqual([])
})

test('URL-encoded Bedrock model ids are decoded', () => {
  const first = priceLookups('bedrock', 'us.anthropic.claude-sonnet-4-5-20250929-v1%3A0')[0]
  expect(first).toEqual({
    providerId: 'aws',
    model: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  })
})

test('modelAliases include the vendor name for Bedrock', () => {
  expect(modelAliases('bedrock', 'us.anthropic.claude-opus-4-1-20250805-v1:0')).toContain(
    'claude-opus-4-1-20250805',
  )
  expect(modelAliases('gemini', 'models/gemini-2.5-pro')).toContain('gemini-2.5-pro')
})
