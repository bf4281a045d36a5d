// Captured bodies travel beside their record, never inside it: a WeakMap from the record object to
// its bodies, read only by the Postgres sink (exchange_bodies). Sinks that serialise records (the
// JSON-lines log, the disk spool) cannot see them, so bodies never reach a log file.

import type { UsageRecord } from '@tokentap/shared'

export interface CapturedBodies {
  /** Redacted, bounded text (null when the exchange had no body in that direction). */
  request: string | null
  response: string | null
}

const byRecord = new WeakMap<UsageRecord, CapturedBodies>()

export function attachBodies(record: UsageRecord, bodies: CapturedBodies | null): void {
  if (bodies !== null && (bodies.request !== null || bodies.response !== null)) {
    byRecord.set(record, bodies)
  }
}

export function bodiesOf(record: UsageRecord): CapturedBodies | null {
  return byRecord.get(record) ?? null
}
