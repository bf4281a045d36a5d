// Caller identity from Proxy-Authorization: Basic USER[+PROJECT]:TOKEN.

export interface Identity {
  user: string | null
  project: string | null
  token: string | null
}

/** The proxy's answer to a request's credentials: who is calling, or a 407 to send. */
export type Admission = { ok: true; identity: Identity } | { ok: false; response: string }

export const ANONYMOUS: Identity = { user: null, project: null, token: null }

export function parseProxyAuthorization(value: string | undefined): Identity {
  if (!value) return ANONYMOUS
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(value)
  if (!m) return ANONYMOUS
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  const userPart = decodeURIComponentSafe(colon < 0 ? decoded : decoded.slice(0, colon))
  const token = colon < 0 ? null : decoded.slice(colon + 1)
  const plus = userPart.indexOf('+')
  const user = (plus < 0 ? userPart : userPart.slice(0, plus)) || null
  const project = plus < 0 ? null : userPart.slice(plus + 1) || null
  return { user, project, token: token || null }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
