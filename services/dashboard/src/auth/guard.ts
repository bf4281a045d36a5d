// The auth gate in front of everything but /api/health, /login and /static: with an API key
// configured, a request needs a valid session cookie or `Authorization: Bearer <key>`. Bearer
// keys go through the key-guessing limiter (rate-limit.ts) like the login form. Pages without
// credentials redirect to /login?next=…; the API and SSE answer 401 JSON (429 while a guessing
// flood fills the limiter). No key (loopback only, enforced by config.ts) = local mode: open.

import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import type { LoginLimiter } from './rate-limit.ts'
import { SESSION_COOKIE, secretEquals, verifySession } from './session.ts'

export interface AuthSettings {
  apiKey: string | null
  sessionSecret: string
  sessionTtlS: number
}

/** Local mode, or a valid session cookie (no key comparison: nothing to rate-limit). */
export function hasSession(c: Context, auth: AuthSettings, nowMs: number): boolean {
  if (auth.apiKey === null) return true
  return verifySession(auth.sessionSecret, getCookie(c, SESSION_COOKIE), nowMs)
}

/** The token of an `Authorization: Bearer <token>` header, else null. */
export function bearerToken(c: Context): string | null {
  const header = c.req.header('authorization')
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  return m?.[1] ?? null
}

/** Printable ASCII but the backslash: what a path + query this app issues is made of. */
const PATH_CHARS = /^[\x21-\x5b\x5d-\x7e]*$/
/** Percent-encoded control characters (C0, DEL) and backslashes: decoded once by a proxy or a
 *  later hop, they would turn the path back into an off-site URL. */
const ENCODED_DANGER = /%(?:[01][0-9a-f]|7f|5c)/i
const PROBE_ORIGIN = 'http://tokentap.invalid'

/**
 * A same-origin path to return to after login, else `/`. Browsers drop tabs and newlines from
 * URLs and read `\` as `/`, so `/\t/evil.example` or `/\evil.example` become `//evil.example`
 * (another site): only an absolute path of printable ASCII without backslashes, encoded control
 * characters or a second leading slash passes, and it must resolve to our own origin.
 */
export function safeNext(next: string | undefined): string {
  if (next === undefined || next.length > 2000 || !PATH_CHARS.test(next)) return '/'
  if (next[0] !== '/' || next[1] === '/' || ENCODED_DANGER.test(next)) return '/'
  if (/^\/%2f/i.test(next)) return '/'
  try {
    if (new URL(next, PROBE_ORIGIN).origin !== PROBE_ORIGIN) return '/'
  } catch {
    return '/'
  }
  return next
}

export interface GuardDeps {
  auth: AuthSettings
  now: () => Date
  limiter: LoginLimiter
  clientAddress: (c: Context) => string
}

export function requireAuth(deps: GuardDeps): MiddlewareHandler {
  const { auth } = deps
  return async (c, next) => {
    if (hasSession(c, auth, deps.now().getTime())) return next()
    const path = c.req.path
    const isApi = path === '/api' || path.startsWith('/api/')
    const token = bearerToken(c)
    if (token !== null && auth.apiKey !== null) {
      const key = auth.apiKey
      const r = await deps.limiter.attempt(deps.clientAddress(c), () => secretEquals(token, key))
      if (r.ok) return next()
      if (r.retryAfterS !== null) {
        c.header('retry-after', String(r.retryAfterS))
        return c.json(
          {
            error: 'too_many_attempts',
            message: `too many wrong keys; retry in ${r.retryAfterS} s`,
          },
          429,
        )
      }
    }
    if (isApi) {
      c.header('www-authenticate', 'Bearer realm="tokentap"')
      return c.json(
        {
          error: 'unauthorized',
          message: 'log in or send Authorization: Bearer <DASHBOARD_API_KEY>',
        },
        401,
      )
    }
    const url = new URL(c.req.url)
    const target = safeNext(`${url.pathname}${url.search}`)
    const login = `/login${target === '/' ? '' : `?next=${encodeURIComponent(target)}`}`
    // An htmx fragment request would swap the login page into the fragment: navigate instead.
    if (c.req.header('hx-request') === 'true') {
      c.header('hx-redirect', '/login')
      return c.text('unauthorized', 401)
    }
    return c.redirect(login, 303)
  }
}
