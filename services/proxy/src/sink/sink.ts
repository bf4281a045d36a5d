// Where finished records go. The record pipeline (records/pipeline.ts) hands each sink an
// envelope: the record and, beside it, the exchange's captured bodies. Only the Postgres sink
// stores bodies (exchange_bodies, in the record's flush); sinks that serialise records (the
// JSON-lines log, the disk spool) write `envelope.record` alone, so bodies never reach a file.
// Sinks never block the data path: write() only enqueues.

import type { UsageRecord } from '@tokentap/shared'
import type { CapturedBodies } from '../capture/dialect.ts'
import type { LimitReading } from '../limits/reading.ts'

export interface RecordEnvelope {
  readonly record: UsageRecord
  /** Redacted, bounded bodies (body capture); null when none were captured. */
  readonly bodies: CapturedBodies | null
  /** The response's rate-limit reading (limits/): only the Postgres sink keeps it, in
   *  account_limits; like bodies it never reaches a file. Absent = none. */
  readonly limits?: LimitReading | null
}

export interface UsageSink {
  write(envelope: RecordEnvelope): void
  /** Records accepted but not yet durable. */
  pending(): number
  /** Flush and release resources. */
  close(): Promise<void>
}

/** Every envelope to every sink; one that throws is reported and stands in no other's way. */
export function fanOut(sinks: UsageSink[], onError: (e: unknown) => void = () => {}): UsageSink {
  return {
    write: (envelope) => {
      for (const s of sinks) {
        try {
          s.write(envelope)
        } catch (e) {
          onError(e)
        }
      }
    },
    pending: () => sinks.reduce((n, s) => n + s.pending(), 0),
    close: async () => {
      await Promise.all(sinks.map((s) => s.close()))
    },
  }
}
