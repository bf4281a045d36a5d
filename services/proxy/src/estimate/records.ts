// Records that wait for an estimate. `emit` writes a record at once when it needs none; otherwise
// it asks the estimator (off the hot path: the client already has its last byte) and writes the
// record when the answer comes — estimated, or unchanged and flagged when the worker was full,
// slow or broken. Every record is written exactly once; `drain` waits for those still waiting
// (shutdown), and is bounded by the estimator's timeout.

import type { ParsedUsage, SeenText } from '@tokentap/shared'
import type { Estimator } from './estimator.ts'
import { applyEstimate, type EndState, needsEstimate } from './policy.ts'

export interface RecordEstimates {
  /** Writes `usage` (estimated when the policy says so); the promise settles once written. */
  emit(
    usage: ParsedUsage,
    seen: SeenText | null,
    end: EndState,
    write: (usage: ParsedUsage) => void,
  ): Promise<void> | null
  /** Records still waiting for their estimate. */
  readonly waiting: number
  drain(): Promise<void>
  close(): void
}

export function createRecordEstimates(
  estimator: Estimator,
  onError: (error: unknown) => void = () => {},
): RecordEstimates {
  const inFlight = new Set<Promise<void>>()
  const safeWrite = (write: (usage: ParsedUsage) => void, usage: ParsedUsage): void => {
    try {
      write(usage)
    } catch (e) {
      onError(e)
    }
  }
  return {
    emit(usage, seen, end, write) {
      if (seen === null || !needsEstimate(usage, seen, end)) {
        safeWrite(write, usage)
        return null
      }
      const done = estimator
        .estimate({ model: usage.model ?? null, seen })
        .catch((e: unknown) => ({ ok: false as const, reason: String(e) }))
        .then((outcome) => safeWrite(write, applyEstimate(usage, seen, outcome)))
      inFlight.add(done)
      void done.finally(() => inFlight.delete(done))
      return done
    },
    get waiting() {
      return inFlight.size
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight])
    },
    close() {
      estimator.close()
    },
  }
}
