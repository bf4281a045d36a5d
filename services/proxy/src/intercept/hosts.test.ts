import { describe, expect, test } from 'bun:test'
import { createHostMatcher } from './hosts.ts'

describe('host glob matcher', () => {
  const m = createHostMatcher([
    'api.anthropic.com',
    'chatgpt.com',
    'bedrock-runtime.*.amazonaws.com',
    '*-aiplatform.googleapis.com',
    '*.openai.azure.com',
  ])
  test('matches exact hosts case-insensitively, with a trailing dot', () => {
    expect(m('api.anthropic.com')).toBe(true)
    expect(m('API.Anthropic.com.')).toBe(true)
    expect(m('chatgpt.com')).toBe(true)
  })
  test('globs match one label, never across dots', () => {
    expect(m('bedrock-runtime.us-east-1.amazonaws.com')).toBe(true)
    expect(m('bedrock-runtime.evil.example.amazonaws.com')).toBe(false)
    expect(m('us-central1-aiplatform.googleapis.com')).toBe(true)
    expect(m('-aiplatform.googleapis.com')).toBe(false)
    expect(m('myres.openai.azure.com')).toBe(true)
    expect(m('a.b.openai.azure.com')).toBe(false)
  })
  test('other hosts do not match', () => {
    expect(m('github.com')).toBe(false)
    expect(m('api.anthropic.com.evil.com')).toBe(false)
    expect(m('xapi.anthropic.com')).toBe(false)
  })
  test('extra globs are honoured', () => {
    const x = createHostMatcher(['llm.internal', '*.corp.example'])
    expect(x('llm.internal')).toBe(true)
    expect(x('gw.corp.example')).toBe(true)
    expect(x('corp.example')).toBe(false)
  })
})
