// Field scans on JSON text too large (or cut) to parse.

import { describe, expect, test } from 'bun:test'
import { booleanField, firstStringField, lastObjectField } from './json-fields.ts'

describe('text scans', () => {
  test('lastObjectField finds the top-level usage after nested ones, braces in strings too', () => {
    const tail = `"input":{"usage":{"input_tokens":1}}}],"note":"}{\\"","usage":{"input_tokens":7,"cache_creation":{"x":1}}}`
    expect(lastObjectField(tail, 'usage')).toEqual({ input_tokens: 7, cache_creation: { x: 1 } })
    expect(lastObjectField('"usage":{"input_tok', 'usage')).toBeNull()
    const arrays = '{"usage":{"a":[1,{"b":"]"}],"n":2}},"x":[{"usage":"no"}]'
    expect(lastObjectField(arrays, 'usage')).toEqual({ a: [1, { b: ']' }], n: 2 })
    expect(lastObjectField('"usage":{"a":1]}', 'usage')).toBeNull()
  })

  test('first string and boolean fields', () => {
    const head = '{"model" : "claude-sonnet-4-5","stream":true,"messages":[{"content":"x'
    expect(firstStringField(head, 'model')).toBe('claude-sonnet-4-5')
    expect(booleanField(head, 'stream')).toBe(true)
    expect(booleanField('"stream":false,"stream":true', 'stream', true)).toBe(true)
    expect(booleanField('{"model":"m"}', 'stream')).toBeNull()
  })
})
