// Cache of rollup sums over closed hours (before `closedBefore(now)`), so a 30-day overview reads
// only its last few hours from Postgres. Coherent only while the live feed is listening: every
// delivered row that started before the closed boundary (a late arrival: long stream, spool
// replay) clears it, as does a LISTEN reconnect or an overflowing NOTIFY range; while the feed is
// down the cache is bypassed.

import { HOUR_MS } from './plan.ts'
import type { Exact } from './sums.ts'

/** Closed hours end at a 6-hour boundary at least one hour back. */
const CLOSED_STEP_MS = 6 * HOUR_MS

export function closedBefore(nowMs: number): number {
  return Math.floor((nowMs - HOUR_MS) / CLOSED_STEP_MS) * CLOSED_STEP_MS
}

export interface AggregateCache {
  /** False while the live feed is down: callers read everything fresh. */
  enabled(): boolean
  get(key: string): Map<string, Exact> | undefined
  /** Bumped by every clear: take it before reading, pass it to set. */
  generation(): number
  /** Stores unless the cache was cleared since `generation` (the value may be stale). */
  set(key: string, value: Map<string, Exact>, generation: number): void
  /** A row with this started_at was just recorded. */
  noteRow(startedAtMs: number, nowMs: number): void
  clear(): void
  size(): number
}

export function createAggregateCache(opts: {
  enabled: () => boolean
  maxEntries?: number
}): AggregateCache {
  const max = opts.maxEntries ?? 1_000
  const entries = new Map<string, Map<string, Exact>>()
  let gen = 0
  const clear = (): void => {
    entries.clear()
    gen++
  }
  let wasEnabled = false
  const enabled = (): boolean => {
    const on = opts.enabled()
    // Anything cached before an outage may have missed rows committed during it.
    if (on !== wasEnabled) clear()
    wasEnabled = on
    return on
  }
  return {
    enabled,
    get(key) {
      if (!enabled()) return undefined
      const v = entries.get(key)
      if (v) {
        entries.delete(key)
        entries.set(key, v) // LRU order
      }
      return v
    },
    generation: () => gen,
    set(key, value, generation) {
      if (!enabled() || generation !== gen) return
      entries.set(key, value)
      if (entries.size > max) entries.delete(entries.keys().next().value as string)
    },
    noteRow(startedAtMs, nowMs) {
      if (startedAtMs < closedBefore(nowMs)) clear()
    },
    clear,
    size: () => entries.size,
  }
}
