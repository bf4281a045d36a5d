import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import forge from 'node-forge'
import { type CaMaterial, loadOrCreateCa } from './ca-store.ts'
import { DAY_MS, generateRsaKeyPairSync } from './x509.ts'

const CA_STORE = path.join(import.meta.dir, 'ca-store.ts')

let root: string
let home: string
let ca: CaMaterial

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'tokentap-ca-store-'))
  home = path.join(root, 'home')
  ca = await loadOrCreateCa({ home })
})

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true })
})

function mode(file: string): number {
  return fs.statSync(file).mode & 0o777
}

function write(name: string, content: string, fileMode = 0o600): string {
  const file = path.join(root, name)
  fs.writeFileSync(file, content, { mode: fileMode })
  return file
}

describe('generated CA in home', () => {
  test('creates the files with restrictive modes', () => {
    expect(mode(path.join(home, 'ca'))).toBe(0o700)
    expect(mode(path.join(home, 'ca', 'ca-key.pem'))).toBe(0o600)
    expect(mode(path.join(home, 'ca', 'ca.pem'))).toBe(0o644)
    expect(fs.readdirSync(path.join(home, 'ca')).sort()).toEqual(['ca-key.pem', 'ca.pem'])
    expect(ca.certPath).toBe(path.join(home, 'ca', 'ca.pem'))
    expect(fs.readFileSync(ca.certPath!, 'utf8')).toBe(ca.certPem)
  })

  test('is a CA with the expected subject, extensions and validity', () => {
    const x509 = new X509Certificate(ca.certPem)
    expect(x509.ca).toBe(true)
    const cn = `tokentap CA (${os.hostname()})`.slice(0, 64)
    expect(x509.subject).toBe(`CN=${cn}\nO=tokentap`)
    expect(x509.issuer).toBe(x509.subject)
    expect(x509.verify(x509.publicKey)).toBe(true)
    expect(x509.checkPrivateKey(createPrivateKey(ca.keyPem))).toBe(true)
    expect(x509.fingerprint256).toBe(ca.fingerprintSha256)
    expect(ca.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/)
    expect(x509.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/)
    expect(ca.cert.siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11')

    const basic = ca.cert.getExtension('basicConstraints') as { cA?: boolean; critical?: boolean }
    expect(basic).toMatchObject({ cA: true, critical: true, pathLenConstraint: 0 })
    const usage = ca.cert.getExtension('keyUsage') as Record<string, boolean>
    expect(usage).toMatchObject({ keyCertSign: true, cRLSign: true, critical: true })
    expect(usage.digitalSignature).toBe(false)
    expect(ca.cert.getExtension('subjectKeyIdentifier')).toBeDefined()

    const years = (x509.validToDate.getTime() - Date.now()) / (365.25 * DAY_MS)
    expect(years).toBeGreaterThan(1.99)
    expect(years).toBeLessThan(2.01)
    expect(Date.now() - x509.validFromDate.getTime()).toBeGreaterThan(DAY_MS - 60_000)
    expect(ca.key.n.equals((ca.cert.publicKey as forge.pki.rsa.PublicKey).n)).toBe(true)
  })

  test('the second call reuses the files', async () => {
    const again = await loadOrCreateCa({ home })
    expect(again.fingerprintSha256).toBe(ca.fingerprintSha256)
    expect(again.keyPem).toBe(ca.keyPem)
  })

  test('concurrent creation in one process yields one consistent pair', async () => {
    const fresh = path.join(root, 'concurrent')
    const now = new Date('2030-01-02T03:04:05Z')
    const results = await Promise.all(
      Array.from({ length: 4 }, () => loadOrCreateCa({ home: fresh, now: () => now })),
    )
    const first = results[0]!
    for (const r of results) {
      expect(r.fingerprintSha256).toBe(first.fingerprintSha256)
      expect(r.keyPem).toBe(first.keyPem)
    }
    const onDisk = new X509Certificate(fs.readFileSync(path.join(fresh, 'ca', 'ca.pem')))
    expect(onDisk.fingerprint256).toBe(first.fingerprintSha256)
    const keyOnDisk = createPrivateKey(fs.readFileSync(path.join(fresh, 'ca', 'ca-key.pem')))
    expect(onDisk.checkPrivateKey(keyOnDisk)).toBe(true)
    expect(onDisk.validFromDate.getTime()).toBe(now.getTime() - DAY_MS)
    expect(fs.readdirSync(path.join(fresh, 'ca')).sort()).toEqual(['ca-key.pem', 'ca.pem'])
  })

  test('concurrent creation across processes yields one consistent pair', async () => {
    const fresh = path.join(root, 'multi-process')
    const script = `import { loadOrCreateCa } from ${JSON.stringify(CA_STORE)}
const ca = await loadOrCreateCa({ home: ${JSON.stringify(fresh)} })
console.log(ca.fingerprintSha256)`
    const procs = Array.from({ length: 3 }, () =>
      Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'pipe' }),
    )
    const outputs = await Promise.all(
      procs.map(async (p) => {
        const [out, err, code] = await Promise.all([
          new Response(p.stdout).text(),
          new Response(p.stderr).text(),
          p.exited,
        ])
        expect(err).toBe('')
        expect(code).toBe(0)
        return out.trim()
      }),
    )
    const disk = await loadOrCreateCa({ home: fresh })
    expect(outputs).toEqual([
      disk.fingerprintSha256,
      disk.fingerprintSha256,
      disk.fingerprintSha256,
    ])
  })

  test('a key left without its certificate (crash) gets a certificate for that key', async () => {
    const fresh = path.join(root, 'key-only')
    fs.mkdirSync(path.join(fresh, 'ca'), { recursive: true })
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString()
    fs.writeFileSync(path.join(fresh, 'ca', 'ca-key.pem'), keyPem, { mode: 0o600 })
    const recovered = await loadOrCreateCa({ home: fresh })
    expect(recovered.keyPem).toBe(keyPem)
    expect(new X509Certificate(recovered.certPem).checkPrivateKey(key)).toBe(true)
  })

  test('a certificate without its key is an error, not silently replaced', async () => {
    const fresh = path.join(root, 'cert-only')
    fs.mkdirSync(path.join(fresh, 'ca'), { recursive: true })
    fs.writeFileSync(path.join(fresh, 'ca', 'ca.pem'), ca.certPem)
    await expect(loadOrCreateCa({ home: fresh })).rejects.toThrow(/ca-key\.pem is missing/)
  })
})

describe('supplied CA_CERT_FILE / CA_KEY_FILE', () => {
  test('loads a supplied pair', async () => {
    const certFile = write('supplied.pem', ca.certPem)
    const keyFile = write('supplied-key.pem', ca.keyPem)
    const loaded = await loadOrCreateCa({ home: path.join(root, 'unused'), certFile, keyFile })
    expect(loaded.certPath).toBe(certFile)
    expect(loaded.fingerprintSha256).toBe(ca.fingerprintSha256)
    expect(fs.existsSync(path.join(root, 'unused'))).toBe(false)
  })

  test('accepts a PKCS#1 key and ignores empty strings as unset', async () => {
    const pkcs1 = createPrivateKey(ca.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString()
    const certFile = write('pkcs1.pem', ca.certPem)
    const keyFile = write('pkcs1-key.pem', pkcs1)
    const loaded = await loadOrCreateCa({ home, certFile, keyFile })
    expect(loaded.keyPem).toContain('BEGIN RSA PRIVATE KEY')
    const viaHome = await loadOrCreateCa({ home, certFile: '', keyFile: '' })
    expect(viaHome.certPath).toBe(path.join(home, 'ca', 'ca.pem'))
  })

  test('only one of the two is an error naming both variables', async () => {
    const certFile = write('alone.pem', ca.certPem)
    await expect(loadOrCreateCa({ home, certFile })).rejects.toThrow(
      /CA_CERT_FILE and CA_KEY_FILE must be set together \(CA_KEY_FILE is missing\)/,
    )
    await expect(loadOrCreateCa({ home, keyFile: certFile })).rejects.toThrow(
      /\(CA_CERT_FILE is missing\)/,
    )
  })

  test('a key that does not match the certificate is rejected', async () => {
    const other = generateRsaKeyPairSync()
    const certFile = write('mismatch.pem', ca.certPem)
    const keyFile = write('mismatch-key.pem', other.privateKeyPem)
    await expect(loadOrCreateCa({ home, certFile, keyFile })).rejects.toThrow(
      /^CA_KEY_FILE \(.*mismatch-key\.pem\) does not match the certificate in CA_CERT_FILE/,
    )

    // A certificate for that key which is not a CA.
    const notCa = forge.pki.createCertificate()
    notCa.publicKey = forge.pki.publicKeyFromPem(other.publicKeyPem)
    notCa.serialNumber = '01'
    notCa.validity.notBefore = new Date(Date.now() - DAY_MS)
    notCa.validity.notAfter = new Date(Date.now() + DAY_MS)
    notCa.setSubject([{ name: 'commonName', value: 'not-a-ca.example' }])
    notCa.setIssuer([{ name: 'commonName', value: 'not-a-ca.example' }])
    notCa.setExtensions([{ name: 'basicConstraints', cA: false }])
    notCa.sign(forge.pki.privateKeyFromPem(other.privateKeyPem), forge.md.sha256.create())
    const leafCert = write('leaf.pem', forge.pki.certificateToPem(notCa))
    await expect(loadOrCreateCa({ home, certFile: leafCert, keyFile })).rejects.toThrow(
      /^CA_CERT_FILE \(.*leaf\.pem\): not a CA certificate/,
    )
  })

  test('unreadable, malformed and non-RSA inputs give errors naming the variable', async () => {
    const certFile = write('good.pem', ca.certPem)
    const keyFile = write('good-key.pem', ca.keyPem)
    const missing = path.join(root, 'nope.pem')
    await expect(loadOrCreateCa({ home, certFile: missing, keyFile })).rejects.toThrow(
      /^CA_CERT_FILE \(.*nope\.pem\): cannot read file/,
    )
    const garbage = write('garbage.pem', 'hello')
    await expect(loadOrCreateCa({ home, certFile: garbage, keyFile })).rejects.toThrow(
      /^CA_CERT_FILE \(.*\): not a PEM certificate/,
    )
    await expect(loadOrCreateCa({ home, certFile, keyFile: garbage })).rejects.toThrow(
      /^CA_KEY_FILE \(.*\): cannot read the private key/,
    )
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey
    const ecFile = write('ec-key.pem', ec.export({ type: 'pkcs8', format: 'pem' }).toString())
    await expect(loadOrCreateCa({ home, certFile, keyFile: ecFile })).rejects.toThrow(
      /^CA_KEY_FILE \(.*\): an RSA private key is required, got ec/,
    )
  })

  test('an expired CA is rejected', async () => {
    const certFile = write('expired.pem', ca.certPem)
    const keyFile = write('expired-key.pem', ca.keyPem)
    const later = () => new Date(Date.now() + 3 * 365 * DAY_MS)
    await expect(loadOrCreateCa({ home, certFile, keyFile, now: later })).rejects.toThrow(
      /^CA_CERT_FILE \(.*\): CA certificate expired .*`tokentap ca renew`/,
    )
  })
})
