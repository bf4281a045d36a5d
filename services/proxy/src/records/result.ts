// What an exchange ends with: a value, handed once to the record pipeline (pipeline.ts). The
// exchange builds it after the client has its last byte and the parser's copies are decoded
// (data path rule 1); everything after (estimate, record, price, sinks) is the pipeline's.

import type { BillingKind, Outcome, ParsedUsage, SeenText, Transport } from '@tokentap/shared'
import type { CapturedBodies } from '../capture/dialect.ts'
import type { LimitReading } from '../limits/reading.ts'

/** Who an exchange is recorded for: from the proxy credentials, the client's headers and ids. */
export interface Attribution {
  user: string | null
  project: string | null
  /** X-Tokentap-Session, else the client's own session id (one agent run, one conversation). */
  session: string | null
  /** The client's sub-agent id and kind (identity/client-ids.ts); null on the main thread. */
  agent: string | null
  agentType: string | null
  program: string | null
  /** Who pays (the credential's kind) and the credential's fingerprint (identity/accounts.ts). */
  billingKind: BillingKind
  account: string | null
}

/** What the proxy itself saw of an exchange (times in epoch milliseconds). */
export interface ExchangeFacts extends Attribution {
  startedAt: number
  endedAt: number
  firstByteAt: number | null
  host: string
  method: string
  /** Request target in origin form, as sent upstream (redacted when the record is built). */
  path: string
  transport: Transport
  status: number | null
  outcome: Outcome
  requestBytes: number
  responseBytes: number
  error: string | null
}

export interface ExchangeResult {
  facts: ExchangeFacts
  /** What the parser knew. */
  usage: ParsedUsage
  /** The text the parser saw, for a token estimate; null when it kept none. */
  seen: SeenText | null
  /** Captured bodies (capture/): redacted and bounded; null when not captured. */
  bodies: CapturedBodies | null
  /** What the response said about its account's rate-limit windows (limits/); null: nothing. */
  limits: LimitReading | null
}

/** The pipeline's front door, as an exchange sees it. */
export interface RecordIntake {
  /** Takes one result = one record; never throws, never blocks. */
  submit(result: ExchangeResult): void
}
