// Name → addresses for the guard: the system resolver (getaddrinfo through node:dns, every
// address: /etc/hosts, nsswitch and libc's reading of `2130706433` or `0177.1`, as curl would
// see them), bounded in time, with a short cache and one lookup in flight per name.
//
// The cache cannot reopen a DNS-rebinding window: the guard checks the cached answer and the
// dialer connects to exactly those checked addresses, so check and use always see the same
// answer. It only keeps an answer for CACHE_MS (what Bun.connect's own DNS cache did before the
// guard existed); failures are not cached.

import { lookup as dnsLookup } from 'node:dns/promises'
import { networkInterfaces } from 'node:os'
import { canonicalAddress } from './policy.ts'

export type Lookup = (host: string) => Promise<string[]>

const CACHE_MS = 30_000
const CACHE_MAX = 1024

export const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true })).map((r) => r.address)

export function cachedLookup(lookup: Lookup, now: () => number, timeoutMs: number): Lookup {
  const cache = new Map<string, { addresses: string[]; until: number }>()
  const inflight = new Map<string, Promise<string[]>>()
  return (host) => {
    const hit = cache.get(host)
    if (hit && hit.until > now()) return Promise.resolve(hit.addresses)
    if (hit) cache.delete(host)
    const running = inflight.get(host)
    if (running) return running
    let timer: ReturnType<typeof setTimeout> | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`DNS lookup timed out after ${timeoutMs} ms`)),
        timeoutMs,
      )
    })
    const p = Promise.race([lookup(host), timeout])
      .then((addresses) => {
        if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!)
        cache.set(host, { addresses, until: now() + CACHE_MS })
        return addresses
      })
      .finally(() => {
        clearTimeout(timer)
        inflight.delete(host)
      })
    inflight.set(host, p)
    return p
  }
}

/** The machine's interface addresses (canonical text), re-read at most once a minute. */
export function ownAddresses(now: () => number, extra: string[] = []): () => ReadonlySet<string> {
  let set: ReadonlySet<string> = new Set()
  let readAt = Number.NEGATIVE_INFINITY
  return () => {
    if (now() - readAt < 60_000) return set
    readAt = now()
    const found = new Set<string>()
    for (const text of extra) {
      const a = canonicalAddress(text)
      if (a) found.add(a)
    }
    for (const list of Object.values(networkInterfaces())) {
      for (const i of list ?? []) {
        const a = canonicalAddress(i.address.replace(/%.*$/, ''))
        if (a) found.add(a)
      }
    }
    set = found
    return set
  }
}
