import { describe, expect, test } from 'bun:test'
import { dimensionLabel, formatDate, formatDuration, formatTime } from './format.ts'

describe('format', () => {
  test('durations', () => {
    expect(formatDuration(850)).toBe('850 ms')
    expect(formatDuration(12_300)).toBe('12.3 s')
    expect(formatDuration(2000)).toBe('2 s')
    expect(formatDuration(185_000)).toBe('3 min 5 s')
    expect(formatDuration(9_000_000)).toBe('2 h 30 min')
    expect(formatDuration(3_599_400)).toBe('59 min 59 s')
    expect(formatDuration(null)).toBe('—')
  })
  test('times in the viewer zone (zone cases: @tokentap/shared/time format.test.ts)', () => {
    const t = '2026-01-15T23:30:05Z'
    expect(formatTime(t, 'Europe/Paris')).toBe('2026-01-16 00:30:05')
    expect(formatTime(new Date(t), 'America/Los_Angeles')).toBe('2026-01-15 15:30:05')
    expect(formatDate(t, 'Europe/Paris')).toBe('2026-01-16')
    expect(formatTime('nope', 'UTC')).toBe('—')
    expect(formatTime(null, 'UTC')).toBe('—')
  })
  test('(none) for empty dimension values', () => {
    expect(dimensionLabel('')).toBe('(none)')
    expect(dimensionLabel(null)).toBe('(none)')
    expect(dimensionLabel('gpt-5')).toBe('gpt-5')
  })
})
