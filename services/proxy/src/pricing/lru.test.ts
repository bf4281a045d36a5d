import { describe, expect, test } from 'bun:test'
import { Lru } from './lru.ts'

describe('Lru', () => {
  test('forgets the least recently used entry past its bound', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1)
    lru.set('b', 2)
    expect(lru.get('a')).toBe(1) // a is now the most recent
    lru.set('c', 3)
    expect(lru.has('b')).toBe(false)
    expect(lru.get('a')).toBe(1)
    expect(lru.get('c')).toBe(3)
    expect(lru.size).toBe(2)
  })

  test('keeps null values apart from absent keys', () => {
    const lru = new Lru<string, number | null>(4)
    lru.set('none', null)
    expect(lru.get('none')).toBeNull()
    expect(lru.get('missing')).toBeUndefined()
  })

  test('setting a present key replaces it without growing', () => {
    const lru = new Lru<string, number>(2)
    lru.set('a', 1)
    lru.set('a', 2)
    lru.set('b', 3)
    expect(lru.size).toBe(2)
    expect(lru.get('a')).toBe(2)
  })

  test('refuses a bound below 1', () => {
    expect(() => new Lru(0)).toThrow(RangeError)
  })
})
