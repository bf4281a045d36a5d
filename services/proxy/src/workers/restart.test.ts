import { expect, test } from 'bun:test'
import { RESTART_MAX_DELAY_MS, restartDelay } from './restart.ts'

test('a first death restarts at once, repeated deaths back off, a quiet minute forgives', () => {
  expect(restartDelay([], 100_000)).toBe(0)
  expect(restartDelay([99_000], 100_000)).toBe(250)
  expect(restartDelay([98_000, 99_000], 100_000)).toBe(500)
  expect(
    restartDelay(
      Array.from({ length: 20 }, (_, i) => 90_000 + i),
      100_000,
    ),
  ).toBe(RESTART_MAX_DELAY_MS)
  expect(restartDelay([10_000, 20_000], 100_000)).toBe(0)
})
