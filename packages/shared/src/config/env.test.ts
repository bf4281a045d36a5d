import { describe, expect, test } from 'bun:test'
import { ConfigError, readBool, readInt, readList, readPort, readString } from './env.ts'

describe('env readers', () => {
  test('readString trims and treats empty as unset', () => {
    expect(readString({ A: '  x ' }, 'A')).toBe('x')
    expect(readString({ A: '  ' }, 'A')).toBeUndefined()
  })
  test('readInt validates and names the variable', () => {
    expect(readInt({}, 'N', 7)).toBe(7)
    expect(readInt({ N: '12' }, 'N', 7)).toBe(12)
    expect(() => readInt({ N: '1.5' }, 'N', 7)).toThrow('N: expected an integer, got "1.5"')
    expect(() => readInt({ N: '5' }, 'N', 7, { min: 10 })).toThrow(ConfigError)
  })
  test('readPort bounds', () => {
    expect(() => readPort({ P: '70000' }, 'P', 1)).toThrow('P: must be ≤ 65535')
  })
  test('readBool accepts the usual spellings', () => {
    expect(readBool({ B: 'on' }, 'B', false)).toBe(true)
    expect(readBool({ B: '0' }, 'B', true)).toBe(false)
    expect(() => readBool({ B: 'maybe' }, 'B', true)).toThrow('B: expected a boolean')
  })
  test('readList splits on commas and spaces', () => {
    expect(readList({ L: 'a, b c,,d' }, 'L')).toEqual(['a', 'b', 'c', 'd'])
  })
})
