import { expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadOrCreateCa } from '@tokentap/proxy/ca'
import { testUpstreamCa } from '@tokentap/proxy/testing'
import { certNeedles, pemBodies } from './layers.ts'

test('certNeedles takes one full base64 line from the middle of each certificate', async () => {
  const home = mkdtempSync(join(tmpdir(), 'tt-needles-'))
  try {
    const one = (await testUpstreamCa()).ca.certPem
    const other = (await loadOrCreateCa({ home })).certPem
    const needles = certNeedles(`${one}\n${other}`)
    expect(needles).toHaveLength(2)
    for (const n of needles) expect(n).toMatch(/^[A-Za-z0-9+/]{64}$/)
    expect(one).toContain(needles[0] ?? 'none')
    expect(other).not.toContain(needles[0] ?? 'none')
    expect(other).toContain(needles[1] ?? 'none')
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
})

test('pemBodies ignores everything outside certificate blocks', () => {
  const pem = 'junk\n-----BEGIN CERTIFICATE-----\nAAAA\nBBBB\n-----END CERTIFICATE-----\ntail\n'
  expect(pemBodies(pem)).toEqual([['AAAA', 'BBBB']])
  expect(certNeedles(pem)).toEqual([])
})
