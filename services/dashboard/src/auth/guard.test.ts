import { describe, expect, test } from 'bun:test'
import { safeNext } from './guard.ts'

describe('safeNext', () => {
  test('only same-site paths', () => {
    expect(safeNext('/events?range=30d')).toBe('/events?range=30d')
    for (const bad of [
      undefined,
      '',
      'https://evil',
      '//evil.example',
      '/\\evil',
      'events',
      '/a\r\nb',
    ]) {
      expect(safeNext(bad)).toBe('/')
    }
  })
})
