// What an exchange needs from the proxy around it, injected so tests need no module mocks.

import type { ProviderDialect } from '@tokentap/shared'
import type { ProxyConfig } from '../config.ts'
import type { RecordEstimates } from '../estimate/records.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'
import type { Conn } from '../net/conn.ts'
import type { Pricer } from '../pricing/index.ts'
import type { UsageSink } from '../sink/sink.ts'
import type { UpstreamKey, UpstreamPool } from '../upstream/pool.ts'

export interface ExchangeContext {
  config: ProxyConfig
  pool: UpstreamPool
  sink: UsageSink
  metrics: ProxyMetrics
  log: Logger
  /** Epoch milliseconds. */
  now(): number
  newId(): string
  /** Prices a record (after the client has its last byte). */
  pricer: Pricer
  /** Token estimates for records without provider usage (TOKENTAP_ESTIMATE); absent when off. */
  estimates?: RecordEstimates | null
  /** The parser dialect for an intercepted exchange. */
  dialectFor(host: string, path: string): ProviderDialect
}

export interface Attribution {
  user: string | null
  project: string | null
  /** X-Tokentap-Session: groups a client's exchanges (one agent run, one conversation). */
  session: string | null
  program: string | null
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
