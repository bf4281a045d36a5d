import { describe, expect, test } from 'bun:test'
import type { HeaderList } from '../http1/head.ts'
import { readClientIds } from './client-ids.ts'

// Heads as the real clients sent them through the proxy (captured from Claude Code 2.1.330,
// Codex 0.169.0 and Gemini CLI 0.61.0 against the loopback mocks; secrets left out).
const CLAUDE_MAIN: HeaderList = [
  ['host', 'api.anthropic.com'],
  ['user-agent', 'claude-cli/2.1.330 (external, sdk-cli)'],
  ['x-app', 'cli'],
  ['x-claude-code-prompt-id', 'edd0b9ed-1c8f-4a59-947a-ce290c4ed9bb'],
  ['x-claude-code-request-class', 'main'],
  ['X-Claude-Code-Session-Id', '7f713c82-2434-4741-a166-4f587a5a8096'],
  ['x-client-request-id', '85a17c5d-3cc1-4272-a61d-2e97ce313a37'],
]
const CLAUDE_SUBAGENT: HeaderList = [
  ...CLAUDE_MAIN.filter(([n]) => n !== 'x-claude-code-request-class'),
  ['x-claude-1p-request-class', 'blocking-subagent'],
  ['x-claude-code-agent-id', 'a0aaff6c392cc486a'],
  ['x-claude-code-agent-type', 'general-purpose'],
  ['x-claude-code-request-class', 'subagent'],
]
const CODEX_SESSION = '01a2514e-a7a3-7661-96eb-5ce4a1b5c74c'
const CODEX_MAIN: HeaderList = [
  ['host', 'api.openai.com'],
  ['originator', 'codex_exec'],
  ['session-id', CODEX_SESSION],
  ['thread-id', CODEX_SESSION],
  ['user-agent', 'codex_exec/0.169.0 (Debian 12.0.0; x86_64) unknown (codex_exec; 0.169.0)'],
  ['x-client-request-id', CODEX_SESSION],
  ['x-codex-window-id', `${CODEX_SESSION}:0`],
]
const CODEX_SUBAGENT: HeaderList = [
  ['host', 'api.openai.com'],
  ['session-id', CODEX_SESSION],
  ['thread-id', '01a2514e-a880-71d0-9055-08bfa10b233d'],
  ['x-codex-parent-thread-id', CODEX_SESSION],
  ['x-openai-subagent', 'collab_spawn'],
]
const GEMINI: HeaderList = [
  ['host', 'generativelanguage.googleapis.com'],
  ['user-agent', 'GeminiCLI-tui/0.61.0/gemini-2.5-pro (linux; x64; terminal)'],
  ['x-goog-api-client', 'google-genai-sdk/1.30.0 gl-node/v20.20.2'],
]

describe('readClientIds from the real clients', () => {
  test('Claude Code, main thread: the session, no agent', () => {
    expect(readClientIds(CLAUDE_MAIN)).toEqual({
      session: '7f713c82-2434-4741-a166-4f587a5a8096',
      agent: null,
      agentType: null,
      notes: [],
    })
  })

  test('Claude Code, a sub-agent: the same session, its id and kind', () => {
    expect(readClientIds(CLAUDE_SUBAGENT)).toEqual({
      session: '7f713c82-2434-4741-a166-4f587a5a8096',
      agent: 'a0aaff6c392cc486a',
      agentType: 'general-purpose',
      notes: [],
    })
  })

  test('Claude Code without its gateway hint headers: the agent id alone', () => {
    const h = CLAUDE_SUBAGENT.filter(([n]) => n !== 'x-claude-code-agent-type')
    expect(readClientIds(h)).toMatchObject({ agent: 'a0aaff6c392cc486a', agentType: null })
  })

  test('Codex, main thread: session-id; thread-id alone is no sub-agent', () => {
    expect(readClientIds(CODEX_MAIN)).toEqual({
      session: CODEX_SESSION,
      agent: null,
      agentType: null,
      notes: [],
    })
  })

  test('Codex, a spawned sub-agent: the root session, its thread and x-openai-subagent', () => {
    expect(readClientIds(CODEX_SUBAGENT)).toEqual({
      session: CODEX_SESSION,
      agent: '01a2514e-a880-71d0-9055-08bfa10b233d',
      agentType: 'collab_spawn',
      notes: [],
    })
  })

  test('older Codex: session_id, else conversation_id', () => {
    expect(readClientIds([['session_id', 'abc-1']]).session).toBe('abc-1')
    expect(readClientIds([['conversation_id', 'conv-2']]).session).toBe('conv-2')
    expect(
      readClientIds([
        ['conversation_id', 'conv-2'],
        ['session_id', 'abc-1'],
      ]).session,
    ).toBe('abc-1')
  })

  test('Gemini CLI sends none: all null, no notes', () => {
    expect(readClientIds(GEMINI)).toEqual({
      session: null,
      agent: null,
      agentType: null,
      notes: [],
    })
  })
})

describe('readClientIds refuses what is not an id', () => {
  test.each([
    ['x'.repeat(129), '129 characters (max 128)'],
    ['two words', 'not an id'],
    ['-leading-dash', 'not an id'],
    ['quote"d', 'not an id'],
    ['caf\u00e9', 'not an id'],
    ['sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWx', 'looks like a credential'],
    ['AIzaSyA-abcdefghijklmnopqrstuvwxyz123456', 'looks like a credential'],
  ])('%j: ignored with a note (%s), never echoed', (value, why) => {
    const r = readClientIds([
      ['x-claude-code-session-id', value],
      ['x-claude-code-agent-id', value],
    ])
    expect(r.session).toBeNull()
    expect(r.agent).toBeNull()
    expect(r.notes).toEqual([expect.stringContaining(why), expect.stringContaining(why)])
    for (const note of r.notes) expect(note).not.toContain(value)
  })

  test('128 characters and the id punctuation are fine; percent-encoded kinds kept as sent', () => {
    const long = `a${'0'.repeat(127)}`
    expect(readClientIds([['session-id', long]]).session).toBe(long)
    const r = readClientIds([
      ['x-claude-code-agent-id', 'agent:custom:/x@y+z=1.2_3'],
      ['x-claude-code-agent-type', 'my%20agent'],
    ])
    expect(r).toMatchObject({ agent: 'agent:custom:/x@y+z=1.2_3', agentType: 'my%20agent' })
  })

  test('a header sent twice with different values is no value; an empty one neither', () => {
    const r = readClientIds([
      ['session-id', 'a'],
      ['Session-Id', 'b'],
      ['x-openai-subagent', ''],
      ['thread-id', 't-1'],
    ])
    expect(r).toMatchObject({ session: null, agent: 't-1', agentType: null })
    expect(r.notes).toEqual([
      'session-id: sent 2 times with different values, ignored',
      'x-openai-subagent: empty, ignored',
    ])
  })

  test('the first session header present decides, even when its value is refused', () => {
    const r = readClientIds([
      ['x-claude-code-session-id', 'bad value'],
      ['session-id', 'good'],
    ])
    expect(r.session).toBeNull()
    expect(r.notes).toHaveLength(1)
  })
})
