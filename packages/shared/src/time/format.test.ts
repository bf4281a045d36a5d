import { describe, expect, test } from 'bun:test'
import { formatDateTime, formatLocal } from './format.ts'

describe('formatDateTime', () => {
  test('times in the zone, to the second', () => {
    const t = Date.parse('2026-01-15T23:30:05Z')
    expect(formatDateTime(t, 'UTC')).toBe('2026-01-15 23:30:05')
    expect(formatDateTime(t, 'Europe/Paris')).toBe('2026-01-16 00:30:05')
    expect(formatDateTime(t, 'America/Los_Angeles')).toBe('2026-01-15 15:30:05')
    expect(formatDateTime(t, 'Asia/Kathmandu')).toBe('2026-01-16 05:15:05')
    expect(formatDateTime(Date.parse('2026-03-01T00:00:00.999Z'), 'UTC')).toBe(
      '2026-03-01 00:00:00',
    )
  })
})

describe('formatLocal', () => {
  test('weekday, day, month, year, hour and minute in the zone (Intl English names)', () => {
    expect(formatLocal(new Date('2026-11-22T23:00:00Z'), 'Europe/Berlin')).toBe(
      'Mon 23 Nov 2026 00:00',
    )
    expect(formatLocal(new Date('2026-07-01T12:05:00Z'), 'Asia/Kolkata')).toBe(
      'Wed 1 Jul 2026 17:35',
    )
  })
})
