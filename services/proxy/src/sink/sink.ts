// Where finished UsageRecords go. Sinks never block the data path: write() only enqueues.

import type { UsageRecord } from '@tokentap/shared'

export interface UsageSink {
  write(record: UsageRecord): void
  /** Records accepted but not yet durable. */
  pending(): number
  /** Flush and release resources. */
  close(): Promise<void>
}

export function fanOut(sinks: UsageSink[]): UsageSink {
  return {
    write: (r) => {
      for (const s of sinks) s.write(r)
    },
    pending: () => sinks.reduce((n, s) => n + s.pending(), 0),
    close: async () => {
      await Promise.all(sinks.map((s) => s.close()))
    },
  }
}
