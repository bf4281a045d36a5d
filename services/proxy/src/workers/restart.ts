// When a dead worker is started again: at once the first time, then backing off while it keeps
// dying (a worker that cannot start must not spin a core), forgiven after a quiet minute.

export const RESTART_WINDOW_MS = 60_000
export const RESTART_MAX_DELAY_MS = 30_000

/** `deaths`: this worker's earlier deaths (ms), oldest first; `now` the latest one. */
export function restartDelay(deaths: readonly number[], now: number): number {
  const recent = deaths.filter((t) => now - t < RESTART_WINDOW_MS).length
  if (recent === 0) return 0
  return Math.min(RESTART_MAX_DELAY_MS, 250 * 2 ** (recent - 1))
}
