// The auth gate in front of everything but /api/health, /login and /static: with an API key
// configured, a request needs `Authorization: Bearer <key>` or a valid session cookie. Pages
// without one redirect to /login?next=…; the API and SSE answer 401 JSON. No key (loopback
// only, enforced by config.ts) = local mode: open.

import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { SESSION_COOKIE, secretEquals, verifySession } from './session.ts'

export interface AuthSettings {
  apiKey: string | null
  sessionSecret: string
  sessionTtlS: number
}

export function isAuthenticated(c: Context, auth: AuthSettings, nowMs: number): boolean {
  if (auth.apiKey === null) return true
  const header = c.req.header('authorization')
  const m = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
  if (m?.[1] && secretEquals(m[1], auth.apiKey)) return true
  return verifySession(auth.sessionSecret, getCookie(c, SESSION_COOKIE), nowMs)
}

/** A same-site path to return to after login (never another origin). */
export function safeNext(next: string | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/'
  if (/[\r\n]/.test(next) || next.length > 2000) return '/'
  return next
}

export function requireAuth(auth: AuthSettings, now: () => Date): MiddlewareHandler {
  return async (c, next) => {
    if (isAuthenticated(c, auth, now().getTime())) return next()
    const path = c.req.path
    if (path === '/api' || path.startsWith('/api/')) {
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
