import { describe, expect, test } from 'bun:test'
import { programFromUserAgent } from './program.ts'

describe('programFromUserAgent', () => {
  test.each([
    ['claude-cli/2.0.14 (external, cli)', 'claude-code'],
    ['codex_exec/0.47.0 (Debian 12; x86_64) xterm', 'codex'],
    ['GeminiCLI/0.9.0 (linux; x64)', 'gemini-cli'],
    ['Anthropic/JS 0.65.0', 'anthropic-sdk-js'],
    ['OpenAI/Python 1.109.1', 'openai-sdk-python'],
    ['google-genai-sdk/1.20.0 gl-node/v20.20.2', 'google-genai-sdk-js'],
    ['curl/7.88.1', 'curl'],
    ['python-requests/2.32.3', 'python-requests'],
    ['MyTool/3.1 (x)', 'mytool'],
  ])('%s → %s', (ua, program) => {
    expect(programFromUserAgent(ua)).toBe(program)
  })
  test('missing UA is null', () => {
    expect(programFromUserAgent(undefined)).toBeNull()
  })
})
