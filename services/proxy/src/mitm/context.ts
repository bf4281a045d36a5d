// What an exchange needs from the proxy around it, injected so tests need no module mocks.

import type { ExchangeMeta, ProviderDialect } from '@tokentap/shared'
import type { ProxyConfig } from '../config.ts'
import type { LocalResponse } from '../http1/respond.ts'
import type { AccountResolver } from '../identity/accounts.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import type { Conn } from '../net/conn.ts'
import type { IdleSlices } from '../records/idle-slices.ts'
import type { Attribution, RecordIntake } from '../records/result.ts'
import type { UpstreamKey, UpstreamPool } from '../upstream/pool.ts'

export interface ExchangeContext {
  config: ProxyConfig
  pool: UpstreamPool
  metrics: ProxyMetrics
  log: Logger
  /** Epoch milliseconds. */
  now(): number
  /** Where an exchange hands its result, once (records/pipeline.ts: estimate, price, sinks). */
  records: RecordIntake
  /** Where an exchange's bookkeeping waits for an idle slice (parser end, record hand-off). */
  bookkeeping: IdleSlices
  /** The parser dialect for an intercepted exchange. */
  dialectFor(host: string, path: string): ProviderDialect
  /** A request's billing kind and account fingerprint (identity/accounts.ts). */
  accountOf: AccountResolver
  /** Hard budgets (blocking/); absent or null when no budgets file is configured. */
  blocking?: RequestBlocker | null
}

/** Hard budgets as an exchange sees them: may this request go upstream? */
export interface RequestBlocker {
  /** Some budget blocks now. When false, nothing is asked (the data path costs nothing more). */
  readonly active: boolean
  /** The gate for a request, or null when nothing can block it (not billable, out of every
   *  blocking budget's scope, a dialect that cannot tell). */
  gate(dialect: ProviderDialect, meta: ExchangeMeta, who: Attribution): RequestGate | null
}

/** One request's gate: it decides before any byte of the request goes upstream. */
export interface RequestGate {
  /** The model is named in the body: hold the body (bounded) and decide with it. */
  readonly needsBody: boolean
  /** null: forward. Else the answer to give instead; the request never goes upstream. */
  decide(body: HeldBody | null): GateRefusal | null
}

/** The request body held for a gate: its payload (framing removed, content-encoding kept). */
export interface HeldBody {
  payload: Buffer
  /** The whole body (else the gate's bound cut it). */
  complete: boolean
  contentEncoding: string | undefined
}

export interface GateRefusal {
  /** In the provider's own error format. */
  response: LocalResponse
  /** Recorded as the exchange's error. */
  message: string
}

/** What the session drives for each request: an Exchange, or a GatedRequest in front of one. */
export interface ClientExchange {
  readonly done: Promise<ExchangeEnd>
  /** Settles once the result(s) went to the record pipeline. */
  readonly submitted: Promise<void>
  /** Request bytes; returns the bytes past this request's body, if any. */
  onClientData(chunk: Buffer): Buffer | null
  onClientClose(): void
}

export type { Attribution } from '../records/result.ts'

export interface ClientPort {
  socket: Conn
  /** The session stops reading requests; returns bytes it had buffered past the last head. */
  detach(): Buffer
}

export interface ExchangeTarget {
  key: UpstreamKey
  /** Request target sent upstream (origin form). */
  path: string
}

export interface ExchangeEnd {
  /** The client connection may carry another request. */
  keepAlive: boolean
}
