// GET/POST /login and /logout. The form posts the API key; on success the browser gets a
// signed session cookie (HttpOnly, SameSite=Strict, Path=/, Secure on https) and goes to
// `next`. Attempts go through the key-guessing limiter (rate-limit.ts): slowed, never refused
// for past failures alone, so the right key always gets in. Self-contained markup: the shared
// stylesheet, no script.

import type { Context } from 'hono'
import { Hono } from 'hono'
import { deleteCookie, setCookie } from 'hono/cookie'
import { type AuthSettings, hasSession, safeNext } from './guard.ts'
import type { LoginLimiter } from './rate-limit.ts'
import { SESSION_COOKIE, secretEquals, signSession } from './session.ts'

export interface LoginDeps {
  auth: AuthSettings
  limiter: LoginLimiter
  now: () => Date
  clientAddress: (c: Context) => string
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

export function loginPage(next: string, message: string | null): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Log in · tokentap</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body class="login">
<main class="login-box">
<h1>tokentap</h1>
<form method="post" action="/login">
<input type="hidden" name="next" value="${escapeHtml(next)}">
<label for="key">Dashboard API key</label>
<input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<button type="submit">Log in</button>
</form>
</main>
</body>
</html>
`
}

export function loginRoutes(deps: LoginDeps): Hono {
  const app = new Hono()
  const html = (c: Context, body: string, status: 200 | 401 | 429 = 200) =>
    c.html(body, status, { 'cache-control': 'no-store' })

  app.get('/login', (c) => {
    const next = safeNext(c.req.query('next'))
    if (hasSession(c, deps.auth, deps.now().getTime())) return c.redirect(next, 303)
    return html(c, loginPage(next, null))
  })

  app.post('/login', async (c) => {
    const apiKey = deps.auth.apiKey
    if (apiKey === null) return c.redirect('/', 303)
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>)
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined)
    const key = typeof form.key === 'string' ? form.key : ''
    const r = await deps.limiter.attempt(deps.clientAddress(c), () => secretEquals(key, apiKey))
    if (!r.ok && r.retryAfterS !== null) {
      c.header('retry-after', String(r.retryAfterS))
      const wait = `Too many wrong keys are being tried; try again in ${r.retryAfterS} s.`
      return html(c, loginPage(next, wait), 429)
    }
    if (!r.ok) return html(c, loginPage(next, 'Wrong key.'), 401)
    setCookie(
      c,
      SESSION_COOKIE,
      signSession(deps.auth.sessionSecret, deps.now().getTime(), deps.auth.sessionTtlS),
      {
        httpOnly: true,
        sameSite: 'Strict',
        path: '/',
        secure: new URL(c.req.url).protocol === 'https:',
        maxAge: deps.auth.sessionTtlS,
      },
    )
    return c.redirect(next, 303)
  })

  const logout = (c: Context) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
    return c.redirect('/login', 303)
  }
  app.get('/logout', logout)
  app.post('/logout', logout)
  return app
}
