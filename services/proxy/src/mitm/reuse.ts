// When an exchange's connections may carry another exchange: the upstream one back to the
// pool, the client's for its next request. Only after both messages ended on a boundary the
// proxy parsed; anything else closes (a closed connection cannot desync). Pure.

export interface ExchangeEndState {
  /** The whole request body was framed and sent. */
  requestDone: boolean
  /** The upstream sent bytes past the response. */
  extraBytes: boolean
  /** The response body ran to the upstream's close. */
  closeDelimited: boolean
  /** The response said Connection: close (or was HTTP/1.0 without keep-alive). */
  responseClose: boolean
  /** HTTP version of the request sent upstream (1.0 goes without keep-alive). */
  requestVersion: string
  /** The request asked for an upgrade the server did not make. */
  upgradeRequested: boolean
  /** The client's request said close (or was HTTP/1.0). */
  clientClose: boolean
  /** The response head told the client the connection closes. */
  announcedClose: boolean
}

export function reuseAfter(s: ExchangeEndState): { upstream: boolean; client: boolean } {
  const upstream =
    s.requestDone &&
    !s.extraBytes &&
    !s.closeDelimited &&
    !s.responseClose &&
    s.requestVersion === '1.1' &&
    !s.upgradeRequested
  return { upstream, client: upstream && !s.clientClose && !s.announcedClose }
}
