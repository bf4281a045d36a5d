// The bounded output-text capture, the visible-text picker and the request sample.

import { describe, expect, test } from 'bun:test'
import {
  createOutputText,
  outputTextOf,
  REQUEST_TEXT_CAP,
  requestSample,
  sampleRequest,
} from './seen-text.ts'

describe('createOutputText', () => {
  test('keeps text in order below the cap, scale 1', () => {
    const out = createOutputText(100)
    out.add(10, () => 'Hello')
    out.add(10, () => '')
    out.add(10, () => ' world')
    expect(out.full).toBe(false)
    expect(out.sample()).toEqual({ text: 'Hello world', scale: 1 })
  })

  test('past the cap: text stops, raw sizes scale the sample, extract is no longer called', () => {
    const out = createOutputText(10)
    out.add(20, () => 'abcdef')
    out.add(20, () => 'ghijkl') // fills the cap at 40 raw characters
    expect(out.full).toBe(true)
    let called = false
    out.add(40, () => {
      called = true
      return 'x'
    })
    expect(called).toBe(false)
    expect(out.sample()).toEqual({ text: 'abcdefghij', scale: 2 })
  })

  test('never keeps half a surrogate pair at the cap', () => {
    const out = createOutputText(3)
    out.add(1, () => 'a🚀🚀')
    expect(out.sample().text).toBe('a🚀')
    expect(out.full).toBe(true)
  })
})

describe('outputTextOf', () => {
  test('text-bearing keys only; ids, signatures, roles and data are not text', () => {
    expect(
      outputTextOf({
        id: 'x',
        role: 'assistant',
        signature: 'sig',
        content: [
          { type: 'text', text: 'A' },
          { type: 'tool_use', input: { k: 1 } },
        ],
        data: 'base64',
      }),
    ).toBe('A{"k":1}')
    expect(
      outputTextOf([{ delta: { content: 'B', tool_calls: [{ function: { arguments: '{}' } }] } }]),
    ).toBe('B{}')
    expect(outputTextOf(null)).toBe('')
    expect(outputTextOf('plain')).toBe('plain')
  })

  test('deep nesting is cut, not overflowed', () => {
    let deep: unknown = { text: 'deep' }
    for (let i = 0; i < 10_000; i++) deep = { content: deep }
    expect(outputTextOf(deep)).toBe('')
  })
})

test('requestSample: whole body, head and tail scaled by size, nothing captured', () => {
  expect(requestSample({ whole: true, text: '{"a":1}', bytes: 7 })).toEqual({
    text: '{"a":1}',
    scale: 1,
    whole: true,
  })
  expect(requestSample({ whole: false, head: 'abcd', tail: 'efgh', bytes: 80 })).toEqual({
    text: 'abcd\nefgh',
    scale: 80 / 9,
    whole: false,
  })
  expect(requestSample(null)).toEqual({ text: '', scale: 1, whole: true })
})

test('sampleRequest: small whole bodies kept; large ones sampled in windows and scaled', () => {
  expect(sampleRequest('{"a":1}', 7, true)).toEqual({ text: '{"a":1}', scale: 1, whole: true })
  const big = 'x'.repeat(REQUEST_TEXT_CAP * 4)
  const s = sampleRequest(big, big.length, true)
  expect(s.whole).toBe(false)
  expect(s.text.length).toBeLessThanOrEqual(REQUEST_TEXT_CAP + 16)
  expect(s.scale * s.text.length).toBeCloseTo(big.length, 0)
})
