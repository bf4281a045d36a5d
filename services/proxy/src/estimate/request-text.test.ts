// extractRequestText over each dialect's request shape, and over garbage.

import { describe, expect, test } from 'bun:test'
import { extractRequestText } from './request-text.ts'

const lines = (body: unknown) => extractRequestText(JSON.stringify(body)).split('\n')

describe('dialects', () => {
  test('Anthropic Messages: system blocks, string and block content, tools, tool use/result', () => {
    const body = {
      model: 'claude-sonnet-4-5',
      system: [{ type: 'text', text: 'You are terse.', cache_control: { type: 'ephemeral' } }],
      tools: [{ name: 'ls', description: 'List files', input_schema: { type: 'object' } }],
      messages: [
        { role: 'user', content: 'List the files.' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'Use ls.', signature: 'sig' },
            { type: 'tool_use', id: 't1', name: 'ls', input: { path: '.' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'a.ts' }] },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0' } },
            { type: 'text', text: 'Thanks' },
          ],
        },
      ],
    }
    expect(lines(body)).toEqual([
      'You are terse.',
      JSON.stringify(body.tools),
      'List the files.',
      'Use ls.',
      '{"path":"."}',
      'a.ts',
      'Thanks',
    ])
  })

  test('Anthropic string system', () => {
    expect(lines({ system: 'Be kind.', messages: [{ role: 'user', content: 'Hi' }] })).toEqual([
      'Be kind.',
      'Hi',
    ])
  })

  test('OpenAI Chat: string and part content, tool calls, tool results, images skipped', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'c1', type: 'function', function: { name: 'look', arguments: '{"q":1}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'a cat' },
      ],
    }
    expect(lines(body)).toEqual(['Be brief.', 'What is this?', '{"q":1}', 'a cat'])
  })

  test('OpenAI Responses: instructions, string input, item input', () => {
    expect(lines({ model: 'gpt-5', instructions: 'Be exact.', input: 'Count to 3.' })).toEqual([
      'Be exact.',
      'Count to 3.',
    ])
    const items = {
      instructions: 'Sys',
      input: [
        { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Run it' }] },
        { type: 'function_call', call_id: 'x', name: 'shell', arguments: '{"cmd":"ls"}' },
        { type: 'function_call_output', call_id: 'x', output: 'README.md' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Done' }] },
      ],
    }
    expect(lines(items)).toEqual(['Sys', 'Run it', '{"cmd":"ls"}', 'README.md', 'Done'])
  })

  test('Gemini: systemInstruction and contents parts (inline data skipped)', () => {
    const body = {
      systemInstruction: { parts: [{ text: 'Answer in French.' }] },
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Weather?' }, { inlineData: { mimeType: 'x', data: 'AA' } }],
        },
        { role: 'model', parts: [{ functionCall: { name: 'w', args: { city: 'Paris' } } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'w', response: { c: 22 } } }] },
      ],
    }
    expect(lines(body)).toEqual([
      'Answer in French.',
      'Weather?',
      '{"name":"w","args":{"city":"Paris"}}',
      '{"name":"w","response":{"c":22}}',
    ])
  })

  test('Gemini Code Assist wraps the body in `request`', () => {
    const body = {
      model: 'gemini-2.5-pro',
      project: 'p',
      request: {
        system_instruction: { parts: [{ text: 'S' }] },
        contents: [{ parts: [{ text: 'Q' }] }],
      },
    }
    expect(lines(body)).toEqual(['S', 'Q'])
  })
})

describe('robustness', () => {
  test('garbage gives empty text', () => {
    for (const body of ['', 'not json', '[1,2]', 'null', '42', '"str"', '{"messages":', '{}']) {
      expect(extractRequestText(body)).toBe('')
    }
    expect(extractRequestText('{"messages": 5, "system": {"x": 1}, "contents": [null, 3]}')).toBe(
      '',
    )
  })

  test('deep nesting does not overflow', () => {
    const deep = `{"messages":${'['.repeat(5000)}"x"${']'.repeat(5000)}}`
    expect(extractRequestText(deep)).toBe('')
  })

  test('bounded output', () => {
    const body = JSON.stringify({ messages: [{ role: 'user', content: 'x'.repeat(10_000) }] })
    expect(extractRequestText(body, 100)).toHaveLength(100)
    const emoji = JSON.stringify({ input: '🚀'.repeat(100) })
    expect(extractRequestText(emoji, 5)).toBe('🚀🚀') // never half a surrogate pair
  })
})
