// One estimate job: prompt text of whole requests, scaled raw text of partial ones, scaled output.

import { expect, test } from 'bun:test'
import { runEstimateJob } from './job.ts'
import { extractRequestText, looseRequestText } from './request-text.ts'
import { countTokens } from './tokens.ts'

const body = JSON.stringify({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'The quick brown fox jumps over the lazy dog.' }],
})

test('whole request: its prompt text; output as seen; the model picks the encoding', () => {
  const r = runEstimateJob({
    model: 'gpt-4o',
    seen: {
      request: { text: body, scale: 1, whole: true },
      output: { text: 'hello world', scale: 1 },
    },
  })
  expect(extractRequestText(body)).toBe('The quick brown fox jumps over the lazy dog.')
  expect(r).toEqual({ inputTokens: 10, outputTokens: 2, notes: [] })
})

test('partial request and capped output are scaled and noted', () => {
  const raw = '{"messages":[{"content":"abc def"},{"content":"cut here'
  const r = runEstimateJob({
    model: 'claude-sonnet-4-5',
    seen: {
      request: { text: raw, scale: 3, whole: false },
      output: { text: 'hello world', scale: 2.5 },
    },
  })
  expect(r.inputTokens).toBe(Math.round(countTokens('abc def', 'cl100k_base') * 3))
  expect(r.outputTokens).toBe(5)
  expect(r.notes).toHaveLength(2)
})

test('nothing seen: zero tokens', () => {
  const r = runEstimateJob({
    model: null,
    seen: { request: { text: 'not json', scale: 1, whole: true }, output: { text: '', scale: 1 } },
  })
  expect(r).toEqual({ inputTokens: 0, outputTokens: 0, notes: [] })
})

test('looseRequestText: string values of JSON fragments, keys and syntax dropped', () => {
  expect(looseRequestText('ges":[{"role":"user","content":"Say \\"hi\\"\\nnow"},{"te')).toBe(
    'user\nSay "hi"\nnow',
  )
  expect(looseRequestText('no strings 1, 2')).toBe('')
})
