import { describe, expect, test } from 'bun:test'
import { errorText } from './error-text.ts'

describe('errorText', () => {
  test("an Error's message; anything else as a string", () => {
    expect(errorText(new TypeError('bad input'))).toBe('bad input')
    expect(errorText('plain')).toBe('plain')
    expect(errorText(42)).toBe('42')
    expect(errorText(null)).toBe('null')
  })
})
