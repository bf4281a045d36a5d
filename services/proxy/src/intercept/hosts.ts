// Host globs, the syntax of the intercept list (built-in providers, TOKENTAP_INTERCEPT_HOSTS,
// TOKENTAP_PROVIDERS) and of PROXY_ALLOWED_DESTINATIONS host names: `*` matches one or more DNS
// label characters, never a dot; case and a trailing dot are ignored. Pure.

export type HostMatcher = (host: string) => boolean

function globToRegExp(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+')
  return new RegExp(`^${body}$`)
}

export function normaliseHost(host: string): string {
  const h = host.toLowerCase()
  return h.endsWith('.') ? h.slice(0, -1) : h
}

export function createHostMatcher(globs: readonly string[]): HostMatcher {
  const exact = new Set<string>()
  const patterns: RegExp[] = []
  for (const g of globs) {
    if (g.includes('*')) patterns.push(globToRegExp(g))
    else exact.add(normaliseHost(g))
  }
  return (host) => {
    const h = normaliseHost(host)
    return exact.has(h) || patterns.some((p) => p.test(h))
  }
}
