// A throwaway CA for the mock upstreams (never the proxy's own CA), with per-host leaves.

import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type CaMaterial, loadOrCreateCa } from '../../src/ca/ca-store.ts'
import { createLeafKey, type LeafKey, mintLeafCert } from '../../src/ca/mint.ts'

export interface TestCa {
  ca: CaMaterial
  leaf: LeafKey
  /** PEM file path of the CA certificate, for TOKENTAP_UPSTREAM_CA / curl --cacert. */
  certPath: string
  certFor(host: string): { key: string; cert: string }
}

let shared: Promise<TestCa> | null = null

export function testUpstreamCa(): Promise<TestCa> {
  shared ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tt-upstream-ca-'))
    // Unconstrained: the mock upstreams answer for any host name, IP literals included.
    const ca = await loadOrCreateCa({ home: dir, permit: null })
    const leaf = createLeafKey()
    const certPath = join(dir, 'upstream-ca.pem')
    writeFileSync(certPath, ca.certPem)
    const cache = new Map<string, { key: string; cert: string }>()
    return {
      ca,
      leaf,
      certPath,
      certFor(host) {
        let c = cache.get(host)
        if (!c) {
          c = { key: leaf.keyPem, cert: mintLeafCert(ca, leaf, host, new Date()) }
          cache.set(host, c)
        }
        return c
      },
    }
  })()
  return shared
}
