// Finding 4 of issue 13 (a CA that can only do what it must): what a new CA may certify, that
// older unconstrained CAs keep loading, and that a CA key other users can read is refused.

import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'
import { CaKeyPermissionError, readPrivateKeyFile } from './ca-files.ts'
import { type CaMaterial, loadOrCreateCa } from './ca-store.ts'
import { constraintsFor } from './subtrees.ts'

let root: string
let home: string
let ca: CaMaterial

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tokentap-ca-limits-'))
  home = path.join(root, 'home')
  ca = await loadOrCreateCa({ home })
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

function write(name: string, content: string, fileMode = 0o600): string {
  const file = path.join(root, name)
  fs.writeFileSync(file, content, { mode: fileMode })
  fs.chmodSync(file, fileMode)
  return file
}

describe('finding 4: a CA that can only do what it must', () => {
  test('a new CA permits only the intercepted domains, excludes IPs, path length 0, 2 years', () => {
    expect(ca.profile.pathLength).toBe(0)
    expect(ca.profile.constraints).toEqual(constraintsFor(BUILTIN_INTERCEPT_HOSTS))
    expect(ca.profile.constraints?.permittedDns).toContain('api.anthropic.com')
    expect(ca.profile.constraints?.permittedDns).toContain('openai.azure.com')
    expect(ca.profile.constraints?.excludedIps).toEqual(['0.0.0.0/0', '::/0'])
    const nc = ca.cert.extensions.find((e: { id: string }) => e.id === '2.5.29.30') as
      | { critical: boolean }
      | undefined
    expect(nc?.critical).toBe(true)
    const eku = ca.cert.getExtension('extKeyUsage') as Record<string, boolean>
    expect(eku.serverAuth).toBe(true)
    expect(eku.clientAuth ?? false).toBe(false)
    const usage = ca.cert.getExtension('keyUsage') as Record<string, boolean>
    for (const other of [
      'digitalSignature',
      'keyEncipherment',
      'dataEncipherment',
      'keyAgreement',
    ]) {
      expect(usage[other]).toBe(false)
    }
  })

  test('openssl x509 -text shows the constraints the CA was made with', async () => {
    const certFile = write('for-openssl.pem', ca.certPem)
    const p = Bun.spawn(['openssl', 'x509', '-in', certFile, '-noout', '-text'], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const text = await new Response(p.stdout).text()
    expect(await p.exited).toBe(0)
    expect(text).toContain('X509v3 Name Constraints: critical')
    expect(text).toMatch(/Permitted:\s+DNS:/)
    expect(text).toContain('DNS:api.openai.com')
    expect(text).toMatch(
      /Excluded:\s+IP:0\.0\.0\.0\/0\.0\.0\.0\s+IP:0:0:0:0:0:0:0:0\/0:0:0:0:0:0:0:0/,
    )
    expect(text).toContain('CA:TRUE, pathlen:0')
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign\n/)
  })

  test('the configured intercept list is permitted too; permit: null is unconstrained', async () => {
    const custom = await loadOrCreateCa({
      home: path.join(root, 'custom'),
      permit: [...BUILTIN_INTERCEPT_HOSTS, 'llm.internal.example', '*.models.example.org'],
    })
    expect(custom.profile.constraints?.permittedDns).toContain('llm.internal.example')
    expect(custom.profile.constraints?.permittedDns).toContain('models.example.org')
    const open = await loadOrCreateCa({ home: path.join(root, 'open'), permit: null })
    expect(open.profile.constraints).toBeNull()
  })

  test('an existing unconstrained CA (made before name constraints) keeps loading', async () => {
    const old = await loadOrCreateCa({ home: path.join(root, 'legacy'), permit: null })
    const certFile = write('legacy.pem', old.certPem)
    const keyFile = write('legacy-key.pem', old.keyPem)
    const loaded = await loadOrCreateCa({ home, certFile, keyFile })
    expect(loaded.fingerprintSha256).toBe(old.fingerprintSha256)
    expect(loaded.profile.constraints).toBeNull()
  })

  test('a group- or world-readable CA_KEY_FILE is refused, naming the file and chmod 600', async () => {
    const certFile = write('open.pem', ca.certPem)
    for (const fileMode of [0o644, 0o640, 0o604, 0o660]) {
      const keyFile = write(`open-key-${fileMode.toString(8)}.pem`, ca.keyPem, fileMode)
      await expect(loadOrCreateCa({ home, certFile, keyFile })).rejects.toThrow(
        new RegExp(
          `^CA_KEY_FILE: ${keyFile} is readable or writable by group or others \\(mode ${fileMode.toString(8)}\\).*chmod 600 ${keyFile}$`,
        ),
      )
    }
    const keyFile = write('private-key.pem', ca.keyPem, 0o400)
    expect((await loadOrCreateCa({ home, certFile, keyFile })).fingerprintSha256).toBe(
      ca.fingerprintSha256,
    )
  })

  test('so is a readable TOKENTAP_HOME/ca/ca-key.pem', async () => {
    const fresh = path.join(root, 'loose-home')
    await loadOrCreateCa({ home: fresh })
    const keyPath = path.join(fresh, 'ca', 'ca-key.pem')
    fs.chmodSync(keyPath, 0o644)
    await expect(loadOrCreateCa({ home: fresh })).rejects.toThrow(
      `TOKENTAP_HOME: ${keyPath} is readable or writable by group or others (mode 644)`,
    )
    await expect(loadOrCreateCa({ home: fresh })).rejects.toThrow(`chmod 600 ${keyPath}`)
  })

  test('CaKeyPermissionError is not raised on Windows (no POSIX modes)', async () => {
    const keyFile = write('win-key.pem', ca.keyPem, 0o644)
    expect(await readPrivateKeyFile(keyFile, 'k', 'CA_KEY_FILE', 'win32')).toBe(ca.keyPem)
    await expect(readPrivateKeyFile(keyFile, 'k', 'CA_KEY_FILE', 'linux')).rejects.toBeInstanceOf(
      CaKeyPermissionError,
    )
  })
})
