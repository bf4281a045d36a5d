import { describe, expect, test } from 'bun:test'
import { classifyUserAgent, programFromUserAgent } from './program.ts'

// User-Agent strings as the clients send them.
const CASES: [ua: string, program: string][] = [
  ['claude-cli/2.0.14 (external, cli)', 'claude-code'],
  ['claude-cli/1.0.119 (external, sdk-ts)', 'claude-code'],
  ['claude-code/2.0.14', 'claude-code'],
  ['codex_exec/0.47.0 (Debian 12; x86_64) xterm', 'codex'],
  ['codex_cli_rs/0.46.0 (Mac OS 15.6.1; arm64) iTerm.app/3.5.14', 'codex'],
  ['GeminiCLI/0.9.0 (linux; x64)', 'gemini-cli'],
  ['GeminiCLI/0.8.2 (darwin; arm64) google-genai-sdk/1.16.0 gl-node/v24.4.1', 'gemini-cli'],
  ['Anthropic/JS 0.65.0', 'anthropic-sdk-js'],
  ['Anthropic/Python 0.69.0', 'anthropic-sdk-python'],
  ['AsyncAnthropic/Python 0.69.0', 'anthropic-sdk-python'],
  ['Anthropic/Go 1.13.0', 'anthropic-sdk-go'],
  ['OpenAI/Python 1.109.1', 'openai-sdk-python'],
  ['AsyncOpenAI/Python 1.109.1', 'openai-sdk-python'],
  ['OpenAI/JS 5.23.0', 'openai-sdk-js'],
  ['OpenAI/Go 2.7.1', 'openai-sdk-go'],
  ['OpenAI/Java 3.1.2', 'openai-sdk-java'],
  ['google-genai-sdk/1.20.0 gl-node/v20.20.2', 'google-genai-sdk-js'],
  ['google-genai-sdk/1.38.0 gl-python/3.12.3', 'google-genai-sdk-python'],
  ['google-genai-sdk/1.25.0 gl-go/go1.24.4', 'google-genai-sdk-go'],
  ['curl/7.88.1', 'curl'],
  ['curl/8.5.0', 'curl'],
  ['python-requests/2.32.3', 'python-requests'],
  ['python-httpx/0.28.1', 'python-httpx'],
  ['Go-http-client/1.1', 'go-http-client'],
  ['Go-http-client/2.0', 'go-http-client'],
  ['Bun/1.4.5', 'bun'],
  ['node', 'node'],
  ['undici', 'node'],
  // Unknown: the first product token, lower-cased.
  ['MyTool/3.1 (x)', 'mytool'],
  ['axios/1.8.4', 'axios'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36', 'mozilla'],
]

describe('programFromUserAgent', () => {
  test.each(CASES)('%s → %s', (ua, program) => {
    expect(programFromUserAgent(ua)).toBe(program)
    expect(classifyUserAgent(ua)).toBe(program)
  })
  test('missing or empty UA is null; a UA without a product token is null', () => {
    expect(programFromUserAgent(undefined)).toBeNull()
    expect(programFromUserAgent('')).toBeNull()
    expect(programFromUserAgent('(compatible)')).toBeNull()
  })
})
