// What an exchange needs from the proxy around it, injected so tests need no module mocks.

import type { BillingKind, ProviderDialect } from '@tokentap/shared'
import type { ProxyConfig } from '../config.ts'
import type { AccountResolver } from '../identity/accounts.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import type { Conn } from '../net/conn.ts'
import type { IdleSlices } from '../records/idle-slices.ts'
import type { RecordIntake } from '../records/result.ts'
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
}

export interface Attribution {
  user: string | null
  project: string | null
  /** X-Tokentap-Session, else the client's own session id (one agent run, one conversation). */
  session: string | null
  /** The client's sub-agent id and kind (identity/client-ids.ts); null on the main thread. */
  agent: string | null
  agentType: string | null
  program: string | null
  /** Who pays (from the credential's kind) and the credential's fingerprint (issue 16). */
  billingKind: BillingKind
  account: string | null
}

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
