// What a client hears over a connection limit: 503 when the proxy as a whole is full (sent as
// soon as the connection opens), 429 when its user already holds their share (in answer to the
// CONNECT or http:// request). Both close the connection and suggest a retry.

import { serializeResponse } from '../http1/respond.ts'

function limitResponse(status: 429 | 503, message: string): string {
  return serializeResponse({
    status,
    contentType: 'text/plain; charset=utf-8',
    body: `tokentap: ${message}\n`,
    close: true,
    headers: { 'retry-after': '5', 'x-tokentap-error': '1' },
  })
}

export const tooManyConnections = (max: number): string =>
  limitResponse(
    503,
    `the proxy has ${max} connections open, its limit (PROXY_MAX_CONNECTIONS); try again shortly.`,
  )

export const tooManyForUser = (user: string, max: number): string =>
  limitResponse(
    429,
    `user "${user}" already has ${max} connections open through this proxy ` +
      '(PROXY_MAX_CONNECTIONS_PER_USER); close some or ask an administrator to raise the limit.',
  )
