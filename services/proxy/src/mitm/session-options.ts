// What starts an HTTP session (session.ts): the connection, how it was reached, who is calling,
// and the plain proxy port's hooks (CONNECT, the proxy's own endpoints, admission, the
// destination check).

import type { RequestHead } from '../http1/head.ts'
import type { LocalResponse } from '../http1/respond.ts'
import type { Admission, Identity } from '../identity/credentials.ts'
import type { HostMatcher } from '../intercept/hosts.ts'
import type { Conn } from '../net/conn.ts'
import type { ExchangeContext } from './context.ts'

export type SessionMode = { kind: 'mitm'; host: string; port: number } | { kind: 'plain' }

export interface SessionOptions {
  ctx: ExchangeContext
  socket: Conn
  mode: SessionMode
  identity: Identity
  intercepts: HostMatcher
  /** Plain sessions: a CONNECT takes the socket over. */
  onConnect?: (head: RequestHead, socket: Conn, leftover: Buffer) => void
  /** Plain sessions: origin-form requests addressed to the proxy itself (/metrics may have to
   *  ask the other workers: then the answer is a promise, and the next request waits for it). */
  local?: (head: RequestHead) => LocalResponse | Promise<LocalResponse>
  /** Every exchange's hand-over to the record pipeline, so shutdown can wait for them. */
  track?: (submitted: Promise<unknown>) => void
  /** Plain sessions: the caller of an absolute-form request, or a 407 to send. */
  admit?: (head: RequestHead) => Admission
  /**
   * Plain sessions: may an absolute-form request reach host:port? null = yes (nothing
   * enforced); else it settles with the response to send (403 / 502), or null to go on.
   */
  checkDestination?: (
    host: string,
    port: number,
    user: string | null,
  ) => Promise<string | null> | null
}
