import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { bundleFresh, ensureBundle, findRootFile, readSystemRoots } from './bundle.ts'

const dir = mkdtempSync(join(tmpdir(), 'tt-bundle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const CA = '-----BEGIN CERTIFICATE-----\nOURCA\n-----END CERTIFICATE-----\n'

function firstCert(pem: string): string {
  const m = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)
  if (!m) throw new Error('no certificate')
  return m[0]
}

describe('combined bundle', () => {
  test('holds the system roots and our CA', () => {
    const caCert = join(dir, 'ca.pem')
    const bundle = join(dir, 'bundle.pem')
    writeFileSync(caCert, CA)
    expect(ensureBundle({ caCert, bundle })).toBe(true)
    const text = readFileSync(bundle, 'utf8')
    const roots = readSystemRoots()
    expect(roots.pem).toContain('BEGIN CERTIFICATE')
    expect(text).toContain(firstCert(roots.pem))
    expect(text.endsWith(CA)).toBe(true)
    if (findRootFile()) expect(roots.source).toBe(findRootFile()!)
  })

  test('roots from no file fall back to Bun’s bundled roots', () => {
    const roots = readSystemRoots('linux', ['/nonexistent/roots.pem'])
    expect(roots.source).toBe('bun')
    expect(roots.pem.match(/BEGIN CERTIFICATE/g)?.length ?? 0).toBeGreaterThan(50)
  })

  test('is rewritten when the CA is newer, kept otherwise', () => {
    const caCert = join(dir, 'ca2.pem')
    const bundle = join(dir, 'bundle2.pem')
    const src = join(dir, 'roots.pem')
    writeFileSync(src, '-----BEGIN CERTIFICATE-----\nROOT\n-----END CERTIFICATE-----\n')
    writeFileSync(caCert, CA)
    const roots = () => ({ source: src, pem: readFileSync(src, 'utf8') })
    ensureBundle({ caCert, bundle, rootSource: src, roots })
    expect(bundleFresh(bundle, caCert, src, Date.now())).toBe(true)
    let calls = 0
    const counted = () => {
      calls++
      return roots()
    }
    ensureBundle({ caCert, bundle, rootSource: src, roots: counted })
    expect(calls).toBe(0)
    const later = new Date(Date.now() + 60_000)
    writeFileSync(caCert, CA.replace('OURCA', 'NEWCA'))
    utimesSync(caCert, later, later)
    expect(bundleFresh(bundle, caCert, src, Date.now())).toBe(false)
    ensureBundle({ caCert, bundle, rootSource: src, roots: counted })
    expect(calls).toBe(1)
    expect(readFileSync(bundle, 'utf8')).toContain('NEWCA')
    // Another CA path is another bundle.
    expect(bundleFresh(bundle, join(dir, 'other.pem'), src, Date.now())).toBe(false)
  })

  test('no CA file: reports false and writes nothing', () => {
    const bundle = join(dir, 'none.pem')
    expect(ensureBundle({ caCert: join(dir, 'missing.pem'), bundle })).toBe(false)
    expect(() => readFileSync(bundle)).toThrow()
  })
})
