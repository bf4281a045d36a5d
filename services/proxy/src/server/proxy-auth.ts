// Who is calling: Proxy-Authorization on a CONNECT or an absolute-form request. Local mode takes
// any USER as given; team mode (PROXY_USERS) checks the token and answers 407 otherwise, logging
// the user name and client address (never the token) and counting the refusal. An admitted team
// caller comes with its credential (the token's hash): a PROXY_USERS reload closes connections
// whose user + credential no longer pass.

import { getHeader, type RequestHead } from '../http1/head.ts'
import { serializeResponse } from '../http1/respond.ts'
import { type Identity, parseProxyAuthorization } from '../identity/credentials.ts'
import { hashProxyToken, type UserCheck } from '../identity/users.ts'
import type { Logger } from '../log.ts'
import type { ProxyMetrics } from '../metrics/metrics.ts'

/** Admission plus, in team mode, the credential presented (hex SHA-256 of the token). */
export type ProxyAdmission =
  | { ok: true; identity: Identity; credential: string | null }
  | { ok: false; response: string }

export type Admit = (head: RequestHead, client: string) => ProxyAdmission

export const PROXY_AUTH_REALM = 'tokentap'

export const PROXY_AUTH_REQUIRED = serializeResponse({
  status: 407,
  contentType: 'text/plain; charset=utf-8',
  body: 'tokentap: proxy authentication required (HTTPS_PROXY=http://USER:TOKEN@host:port)\n',
  close: true,
  headers: { 'proxy-authenticate': `Basic realm="${PROXY_AUTH_REALM}"`, 'x-tokentap-error': '1' },
})

const REASONS = {
  missing: 'no credentials',
  unknown_user: 'unknown user',
  wrong_token: 'wrong token',
} as const

/** A client-chosen name, safe for one log line. */
const printable = (s: string): string => JSON.stringify(s.slice(0, 64))

/** CONNECT's host:port, or an absolute URL's host (its path and query may hold secrets). */
function where(target: string): string {
  if (!/^[a-z]+:\/\//i.test(target)) return printable(target)
  try {
    return printable(new URL(target).host)
  } catch {
    return '(bad target)'
  }
}

export function createAdmit(
  users: () => UserCheck | null,
  log: Logger,
  metrics: ProxyMetrics,
): Admit {
  return (head, client) => {
    const identity = parseProxyAuthorization(getHeader(head.headers, 'proxy-authorization'))
    const check = users()
    if (!check) return { ok: true, identity, credential: null }
    const result = check.check(identity.user, identity.token)
    if (result === 'ok') {
      const credential = hashProxyToken(identity.token ?? '')
      return { ok: true, identity: { ...identity, token: null }, credential }
    }
    metrics.authFailure(result)
    const who = identity.user === null ? '' : ` user ${printable(identity.user)}`
    log.warn(`407 ${head.method} ${where(head.target)} from ${client}:${who} ${REASONS[result]}`)
    return { ok: false, response: PROXY_AUTH_REQUIRED }
  }
}
