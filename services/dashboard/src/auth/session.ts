// Session tokens for the login cookie: `v1.<expiry ms>.<nonce>.<HMAC-SHA256>` signed with the
// session secret. The cookie never holds the API key; a changed key or secret voids every
// session. Comparisons are constant-time. Pure: the clock is a parameter.

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

export const SESSION_COOKIE = 'tokentap_session'

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest()
}

export function signSession(secret: string, nowMs: number, ttlS: number): string {
  const payload = `v1.${nowMs + ttlS * 1000}.${randomBytes(12).toString('base64url')}`
  return `${payload}.${mac(secret, payload).toString('base64url')}`
}

/** True when the token is ours (valid signature) and not expired at nowMs. */
export function verifySession(secret: string, token: string | undefined, nowMs: number): boolean {
  if (!token || token.length > 200) return false
  const cut = token.lastIndexOf('.')
  if (cut < 0) return false
  const payload = token.slice(0, cut)
  const given = Buffer.from(token.slice(cut + 1), 'base64url')
  const want = mac(secret, payload)
  if (given.length !== want.length || !timingSafeEqual(given, want)) return false
  const [version, expiry] = payload.split('.')
  return version === 'v1' && Number(expiry) > nowMs
}

/** Constant-time equality of two secrets (hashed first, so lengths do not leak either). */
export function secretEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest()
  const hb = createHash('sha256').update(b).digest()
  return timingSafeEqual(ha, hb)
}
