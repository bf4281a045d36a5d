import { describe, expect, test } from 'bun:test'
import { BUILTIN_INTERCEPT_HOSTS, createHostMatcher } from './hosts.ts'

describe('intercept host matcher', () => {
  const m = createHostMatcher(BUILTIN_INTERCEPT_HOSTS)
  test('matches built-in exact hosts case-insensitively, with a trailing dot', () => {
    expect(m('api.anthropic.com')).toBe(true)
    expect(m('API.OpenAI.com.')).toBe(true)
    expect(m('chatgpt.com')).toBe(true)
  })
  test('globs match one label, never across dots', () => {
    expect(m('bedrock-runtime.us-east-1.amazonaws.com')).toBe(true)
    expect(m('bedrock-runtime.evil.example.amazonaws.com')).toBe(false)
    expect(m('us-central1-aiplatform.googleapis.com')).toBe(true)
    expect(m('myres.openai.azure.com')).toBe(true)
    expect(m('a.b.openai.azure.com')).toBe(false)
  })
  test('non-LLM hosts are not intercepted', () => {
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
