import { describe, expect, test } from 'bun:test'
import { limitFields, readLimits } from './read.ts'

const AT = Date.parse('2026-03-02T10:00:00Z')

describe('readLimits', () => {
  test('one head, several families, names in any case', () => {
    const r = readLimits(
      [
        ['Content-Type', 'text/event-stream'],
        ['Anthropic-RateLimit-Unified-Status', 'allowed'],
        ['anthropic-ratelimit-unified-5h-utilization', '0.5'],
        ['X-RateLimit-Limit-Requests', '100'],
        ['x-ratelimit-remaining-requests', '25'],
      ],
      AT,
    )
    expect(r?.status).toBe('allowed')
    expect(Object.keys(r?.windows ?? {}).sort()).toEqual(['requests', 'unified-5h'])
    expect(r?.windows.requests?.used).toBe(0.75)
  })

  test('a field sent twice with different values is dropped; same value twice is kept', () => {
    const f = limitFields([
      ['x-ratelimit-limit-requests', '100'],
      ['x-ratelimit-limit-requests', '200'],
      ['x-ratelimit-limit-requests', '300'],
      ['x-ratelimit-remaining-requests', '5'],
      ['x-ratelimit-remaining-requests', '5'],
    ])
    expect([...f]).toEqual([['x-ratelimit-remaining-requests', '5']])
  })

  test('no limits headers → null; a flood of windows is bounded', () => {
    expect(readLimits([['server', 'x']], AT)).toBeNull()
    const flood: [string, string][] = []
    for (let i = 0; i < 200; i++) {
      flood.push([`anthropic-ratelimit-unified-w${i}-utilization`, '0.1'])
    }
    const r = readLimits(flood, AT)
    expect(Object.keys(r?.windows ?? {}).length).toBeLessThanOrEqual(16)
  })
})
