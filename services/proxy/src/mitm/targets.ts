// Request targets of the forms a proxy sees (RFC 9112 §3.2): the absolute form of a plain-proxy
// request parsed into where it goes, and the origin form sent on. Pure.

/** An absolute-form `http://` target: the dial address, the path sent on, the Host it names. */
export type AbsoluteTarget =
  | { ok: true; host: string; port: number; path: string; authority: string }
  | { ok: false; message: string }

export function absoluteTarget(target: string): AbsoluteTarget {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    return { ok: false, message: `bad request target "${target}"` }
  }
  if (url.protocol !== 'http:') {
    return { ok: false, message: 'only http:// requests are forwarded; use CONNECT for https' }
  }
  return {
    ok: true,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 80),
    path: `${url.pathname}${url.search}`,
    authority: url.host,
  }
}

/** The origin form (path and query) of an absolute-form request target; null if unparsable. */
export function originForm(target: string): string | null {
  try {
    const u = new URL(target)
    return `${u.pathname}${u.search}`
  } catch {
    return null
  }
}
