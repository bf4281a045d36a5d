// LRU cache of per-host TLS credentials (key + certificate chain PEM) for intercepted connections: one minting per host even under
// concurrent requests, failures are not cached, certificates with under a day left are re-minted.
import { X509Certificate } from 'node:crypto'
import type { CaMaterial } from './ca-store.ts'
import { type LeafKey, mintLeafCert, normalizeHost } from './mint.ts'
import { DAY_MS } from './x509.ts'

export type LeafCacheOptions = {
  ca: CaMaterial
  leaf: LeafKey
  capacity?: number
  now?: () => Date
  mint?: typeof mintLeafCert
}

/** What a TLS server needs for one host; the same object is returned on every hit, so Bun can
 *  reuse the TLS context it built from it. */
export type LeafTls = { key: string; cert: string }

export type LeafCache = {
  /** Rejects with InvalidHostError for hosts that cannot get a certificate. */
  get(host: string): Promise<LeafTls>
  size(): number
  mintedCount(): number
}

type Entry = { context: LeafTls; notAfterMs: number }

export function createLeafCache(opts: LeafCacheOptions): LeafCache {
  const capacity = opts.capacity ?? 1000
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new Error(`leaf cache capacity must be a positive integer, got ${capacity}`)
  }
  const now = opts.now ?? (() => new Date())
  const mint = opts.mint ?? mintLeafCert
  // Map iteration order is insertion order; re-inserting on use makes the first key the LRU one.
  const entries = new Map<string, Entry>()
  const inFlight = new Map<string, Promise<LeafTls>>()
  let minted = 0

  async function mintEntry(host: string): Promise<LeafTls> {
    await new Promise<void>((resolve) => setImmediate(resolve))
    const leafPem = mint(opts.ca, opts.leaf, host, now())
    const context: LeafTls = {
      key: opts.leaf.keyPem,
      cert: `${leafPem.trimEnd()}\n${opts.ca.certPem}`,
    }
    minted++
    entries.set(host, { context, notAfterMs: new X509Certificate(leafPem).validToDate.getTime() })
    for (const oldest of entries.keys()) {
      if (entries.size <= capacity) break
      entries.delete(oldest)
    }
    return context
  }

  function get(rawHost: string): Promise<LeafTls> {
    let host: string
    try {
      host = normalizeHost(rawHost)
    } catch (err) {
      return Promise.reject(err)
    }
    const entry = entries.get(host)
    if (entry !== undefined) {
      entries.delete(host)
      if (entry.notAfterMs - now().getTime() >= DAY_MS) {
        entries.set(host, entry)
        return Promise.resolve(entry.context)
      }
    }
    const pending = inFlight.get(host)
    if (pending !== undefined) return pending
    const promise = mintEntry(host).finally(() => inFlight.delete(host))
    inFlight.set(host, promise)
    return promise
  }

  return { get, size: () => entries.size, mintedCount: () => minted }
}
