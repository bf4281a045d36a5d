// Host header check (DNS rebinding). A web page on evil.example can make its own name resolve to
// 127.0.0.1 and then read a loopback dashboard "same-origin"; the one thing it cannot change is
// the Host header its browser sends (`evil.example:3000`). So where the check applies, a request
// must name the dashboard as a loopback name (localhost, *.localhost, 127.x.y.z, [::1]), the
// address it is bound to, or an entry of DASHBOARD_ALLOWED_HOSTS; anything else gets 421.
//
// It applies in local mode (no key: the Host check is the only barrier) and, as defence in
// depth, whenever DASHBOARD_ALLOWED_HOSTS is set. With a key and no list, any Host passes: a
// rebinding page has no session cookie (bound to the real name) and no key, so it gets 401, and
// reverse proxies in front of a team dashboard keep working without configuration.
// The port is not compared for loopback names: a rebinding attacker controls the name, never
// the port of a loopback name, and `ssh -L 8080:localhost:3000` must keep working.

import type { MiddlewareHandler } from 'hono'

/** A parsed Host value or allow-list entry: lower-case name (IPv6 in brackets), port or null. */
export interface HostName {
  name: string
  port: number | null
}

const REG_NAME = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_](?:[a-z0-9_-]{0,62}))*$/
const IPV6 = /^\[[0-9a-f:.]{2,45}\]$/

/** Parses `name`, `name:port`, `[v6]` or `[v6]:port`; null when malformed. */
export function parseHost(raw: string): HostName | null {
  const m = /^(\[[^\]]*\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(raw.trim().toLowerCase())
  if (!m?.[1]) return null
  const name = m[1].endsWith('.') ? m[1].slice(0, -1) : m[1]
  if (!REG_NAME.test(name) && !IPV6.test(name)) return null
  const port = m[2] === undefined ? null : Number(m[2])
  if (port !== null && port > 65535) return null
  return { name, port }
}

/** Names only this machine answers to (a page cannot rebind them). */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name.endsWith('.localhost') || name === '[::1]') return true
  const octets = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(name)
  return octets?.slice(1).every((o) => Number(o) <= 255) ?? false
}

export interface HostPolicy {
  /** Check the Host header at all (local mode, or DASHBOARD_ALLOWED_HOSTS set). */
  enforce: boolean
  /** DASHBOARD_ALLOWED_HOSTS entries and the bound address; a null port matches any. */
  allowed: readonly HostName[]
}

export function hostAllowed(host: HostName, policy: HostPolicy): boolean {
  if (isLoopbackName(host.name)) return true
  return policy.allowed.some(
    (a) => a.name === host.name && (a.port === null || a.port === host.port),
  )
}

/** The policy for a configuration: enforced without a key or with an explicit list. */
export function hostPolicy(opts: {
  apiKey: string | null
  /** DASHBOARD_ALLOWED_HOSTS, null when unset. */
  allowedHosts: readonly HostName[] | null
  /** DASHBOARD_HOST (a wildcard bind adds nothing). */
  bindHost?: string
}): HostPolicy {
  const allowed = [...(opts.allowedHosts ?? [])]
  const bound = opts.bindHost === undefined ? null : parseHost(bracketed(opts.bindHost))
  if (bound && !['0.0.0.0', '[::]'].includes(bound.name)) allowed.push({ ...bound, port: null })
  return { enforce: opts.apiKey === null || opts.allowedHosts !== null, allowed }
}

const bracketed = (host: string): string =>
  host.includes(':') && !host.startsWith('[') ? `[${host}]` : host

export function hostGuard(policy: HostPolicy): MiddlewareHandler {
  return async (c, next) => {
    if (!policy.enforce) return next()
    // Bun builds the URL from the Host header; a request without one (tests) uses the URL's.
    const raw = c.req.header('host') ?? new URL(c.req.url).host
    const host = parseHost(raw)
    if (host && hostAllowed(host, policy)) return next()
    const shown = host ? `"${host.name}"` : 'a malformed Host'
    return c.text(
      `tokentap dashboard: requests for ${shown} are not served here (DNS rebinding protection). ` +
        'Open it as http://localhost:<port>, or add the name to DASHBOARD_ALLOWED_HOSTS.\n',
      421,
      { 'cache-control': 'no-store' },
    )
  }
}
