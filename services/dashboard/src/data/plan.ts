// Which part of a time range the hourly rollup can answer and which must come from usage_events.
// The rollup holds whole UTC hours; a range edge inside an hour, or a bucket boundary inside an
// hour (a local midnight in a zone with a :30 offset), makes that hour partial: those pieces are
// read from usage_events, so totals equal SQL over usage_events exactly.

export const HOUR_MS = 3_600_000

export interface RangePlan {
  /** Whole hours [rollupFrom, rollupTo) from the rollup (rollupFrom >= rollupTo: none). */
  rollupFrom: number
  rollupTo: number
  /** Hours inside [rollupFrom, rollupTo) the rollup must skip (read from events instead). */
  skipHours: number[]
  /** Disjoint, sorted [lo, hi) intervals read from usage_events. */
  eventIntervals: Array<[number, number]>
}

/** Plan [from, to) given the bucket boundaries (instants) the result is grouped by. */
export function planRange(from: number, to: number, boundaries: number[] = []): RangePlan {
  const rollupFrom = Math.ceil(from / HOUR_MS) * HOUR_MS
  const rollupTo = Math.floor(to / HOUR_MS) * HOUR_MS
  if (rollupFrom >= rollupTo) {
    return { rollupFrom, rollupTo: rollupFrom, skipHours: [], eventIntervals: [[from, to]] }
  }
  const pieces: Array<[number, number]> = []
  if (from < rollupFrom) pieces.push([from, rollupFrom])
  const skip = new Set<number>()
  for (const b of boundaries) {
    if (b % HOUR_MS === 0) continue
    const h = Math.floor(b / HOUR_MS) * HOUR_MS
    if (h >= rollupFrom && h + HOUR_MS <= rollupTo) skip.add(h)
  }
  const skipHours = [...skip].sort((a, b) => a - b)
  for (const h of skipHours) pieces.push([h, h + HOUR_MS])
  if (rollupTo < to) pieces.push([rollupTo, to])
  pieces.sort((a, b) => a[0] - b[0])
  const eventIntervals: Array<[number, number]> = []
  for (const p of pieces) {
    const last = eventIntervals[eventIntervals.length - 1]
    if (last && last[1] >= p[0]) last[1] = Math.max(last[1], p[1])
    else eventIntervals.push([p[0], p[1]])
  }
  return { rollupFrom, rollupTo, skipHours, eventIntervals }
}
