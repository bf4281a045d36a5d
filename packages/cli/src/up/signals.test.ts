import { describe, expect, test } from 'bun:test'
import { repeatedSignal, SIGNAL_REPEAT_MS } from './signals.ts'

describe('repeatedSignal', () => {
  test('a repeat right after the first is the same Ctrl-C (group signal + bun run forwarding)', () => {
    expect(repeatedSignal(10_000, 10_000)).toBe('same')
    expect(repeatedSignal(10_000, 10_000 + SIGNAL_REPEAT_MS - 1)).toBe('same')
  })
  test('a later one forces the exit', () => {
    expect(repeatedSignal(10_000, 10_000 + SIGNAL_REPEAT_MS)).toBe('force')
    expect(repeatedSignal(10_000, 60_000)).toBe('force')
  })
})
