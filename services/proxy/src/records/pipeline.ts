// The record pipeline: each exchange result becomes exactly one record, off the data path.
//   submit(result) → estimate, when its usage needs one (estimate.ts; the record waits)
//                  → the UsageRecord (build.ts) → its price (pricing/)
//                  → the envelope { record, bodies } → the sink (sink/: log, Postgres, …)
// No stage can cost the record: a failed estimate leaves the usage flagged, a pricer that
// throws leaves it unpriced, a sink that throws is reported. Bodies travel in the envelope
// beside their record, never on the side. Each submitted result waits for an idle slice
// (`defer`, idle-slices.ts) before any of this runs, so a caller on the data path (a WebSocket
// message) pays nothing. drain() waits for the records still waiting for their slice or their
// estimate (shutdown; bounded by the estimator's timeout).

import type { ParsedUsage, UsageRecord } from '@tokentap/shared'
import type { Estimator } from '../estimate/estimator.ts'
import type { Pricer } from '../pricing/index.ts'
import type { UsageSink } from '../sink/sink.ts'
import { buildRecord } from './build.ts'
import { estimateUsage } from './estimate.ts'
import type { ExchangeResult, RecordIntake } from './result.ts'

export type PipelineStage = 'estimate' | 'record' | 'price' | 'metrics' | 'sink'

export interface RecordPipelineDeps {
  newId(): string
  pricer: Pricer
  sink: UsageSink
  /** null when estimates are off (TOKENTAP_ESTIMATE). */
  estimator: Estimator | null
  /** Runs a job in a later idle slice (idle-slices.ts); tests may run it at once. */
  defer(job: () => void): void
  /** Each record as it leaves for the sink (metrics). */
  onRecord?(record: UsageRecord): void
  /** A stage failed; the record went on without it ('record': it could not be built). */
  onError(stage: PipelineStage, error: unknown): void
}

export interface RecordPipeline extends RecordIntake {
  /** Records waiting for their estimate. */
  readonly waiting: number
  /** Resolves once every record submitted so far reached the sink. */
  drain(): Promise<void>
}

export function createRecordPipeline(d: RecordPipelineDeps): RecordPipeline {
  const waiting = new Set<Promise<void>>()

  const guard = (stage: PipelineStage, step: () => void): void => {
    try {
      step()
    } catch (e) {
      d.onError(stage, e)
    }
  }

  function emit(result: ExchangeResult, usage: ParsedUsage): void {
    let record: UsageRecord
    try {
      record = buildRecord(d.newId(), result.facts, usage)
    } catch (e) {
      d.onError('record', e)
      return
    }
    guard('price', () => Object.assign(record, d.pricer.price(record)))
    if (d.onRecord) guard('metrics', () => d.onRecord?.(record))
    guard('sink', () => d.sink.write({ record, bodies: result.bodies, limits: result.limits }))
  }

  function estimateOf(result: ExchangeResult): Promise<ParsedUsage> | null {
    try {
      return estimateUsage(d.estimator, result)
    } catch (e) {
      d.onError('estimate', e)
      return null
    }
  }

  function run(result: ExchangeResult): Promise<void> | null {
    const estimated = estimateOf(result)
    if (estimated === null) {
      emit(result, result.usage)
      return null
    }
    return estimated.then(
      (usage) => emit(result, usage),
      (e: unknown) => {
        d.onError('estimate', e)
        emit(result, result.usage)
      },
    )
  }

  const track = (set: Set<Promise<void>>, p: Promise<void>): void => {
    set.add(p)
    void p.finally(() => set.delete(p))
  }
  /** Results waiting for their slice. */
  const queued = new Set<Promise<void>>()

  return {
    submit(result) {
      track(
        queued,
        new Promise<void>((resolve) => {
          d.defer(() => {
            let estimating: Promise<void> | null = null
            try {
              estimating = run(result)
            } finally {
              if (estimating) track(waiting, estimating)
              resolve()
            }
          })
        }),
      )
    },
    get waiting() {
      return waiting.size
    },
    async drain() {
      while (queued.size > 0 || waiting.size > 0) {
        await Promise.allSettled([...queued, ...waiting])
      }
    },
  }
}
