// Loads the MITM root CA from CA_CERT_FILE/CA_KEY_FILE, or from ${home}/ca (creating it on first
// start). Creation is lock-free: each file is published with an exclusive hard link, key first, so
// racing processes all end up loading the same pair and a crash never leaves a mismatched one.
import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import forge from 'node-forge'
import {
  certificateToPem,
  DAY_MS,
  derToPem,
  generateRsaKeyPair,
  randomSerialHex,
  signCertificate,
} from './x509.ts'

export type CaMaterial = {
  certPem: string
  keyPem: string
  cert: forge.pki.Certificate
  key: forge.pki.rsa.PrivateKey
  certPath: string | null
  fingerprintSha256: string
}

export type LoadCaOptions = {
  home: string
  certFile?: string | undefined
  keyFile?: string | undefined
  now?: () => Date
}

type Labels = { cert: string; key: string }

export async function loadOrCreateCa(opts: LoadCaOptions): Promise<CaMaterial> {
  const now = opts.now ?? (() => new Date())
  const certFile = opts.certFile || undefined
  const keyFile = opts.keyFile || undefined
  if (certFile !== undefined || keyFile !== undefined) {
    if (certFile === undefined || keyFile === undefined) {
      const missing = certFile === undefined ? 'CA_CERT_FILE' : 'CA_KEY_FILE'
      throw new Error(
        `CA_CERT_FILE and CA_KEY_FILE must be set together (${missing} is missing); ` +
          'unset both to use the generated tokentap CA',
      )
    }
    const labels = { cert: `CA_CERT_FILE (${certFile})`, key: `CA_KEY_FILE (${keyFile})` }
    const certText = await readLabelled(certFile, labels.cert)
    const keyText = await readLabelled(keyFile, labels.key)
    return parseCaPair(certText, keyText, certFile, labels, now())
  }
  return loadOrCreateInHome(opts.home, now)
}

async function loadOrCreateInHome(home: string, now: () => Date): Promise<CaMaterial> {
  const dir = path.join(home, 'ca')
  const certPath = path.join(dir, 'ca.pem')
  const keyPath = path.join(dir, 'ca-key.pem')
  const labels = { cert: certPath, key: keyPath }

  const created = await fs.mkdir(dir, { recursive: true, mode: 0o700 })
  if (created !== undefined) await fs.chmod(dir, 0o700)

  let keyText = await readIfExists(keyPath)
  let certText = await readIfExists(certPath)
  if (keyText === null) {
    if (certText !== null) {
      throw new Error(
        `${certPath} exists but its key ${keyPath} is missing; delete ${certPath} to create a ` +
          'new CA (clients will then have to trust the new one)',
      )
    }
    const { privateKeyPem } = await generateRsaKeyPair()
    await publishExclusive(keyPath, privateKeyPem, 0o600)
    keyText = await readLabelled(keyPath, keyPath)
  }
  if (certText === null) {
    const nativeKey = parseNativeRsaKey(keyText, keyPath)
    const cert = buildCaCertificate(nativeKey, now())
    await publishExclusive(certPath, certificateToPem(cert), 0o644)
    certText = await readLabelled(certPath, certPath)
  }
  return parseCaPair(certText, keyText, certPath, labels, now())
}

function buildCaCertificate(nativeKey: KeyObject, now: Date): forge.pki.Certificate {
  const key = toForgeKey(nativeKey)
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e)
  cert.serialNumber = randomSerialHex()
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS)
  const notAfter = new Date(now.getTime())
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + 10)
  cert.validity.notAfter = notAfter
  const attrs = [
    { name: 'commonName', value: `tokentap CA (${os.hostname()})`.slice(0, 64) },
    { name: 'organizationName', value: 'tokentap' },
  ]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ])
  signCertificate(cert, nativeKey)
  return cert
}

function parseCaPair(
  certText: string,
  keyText: string,
  certPath: string,
  labels: Labels,
  now: Date,
): CaMaterial {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(certText)
  } catch (err) {
    throw new Error(`${labels.cert}: not a PEM certificate (${errorMessage(err)})`)
  }
  let cert: forge.pki.Certificate
  try {
    cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(x509.raw.toString('binary')))
  } catch (err) {
    throw new Error(
      `${labels.cert}: unsupported certificate, an RSA CA is required (${errorMessage(err)})`,
    )
  }
  const nativeKey = parseNativeRsaKey(keyText, labels.key)
  if (!x509.ca) {
    throw new Error(`${labels.cert}: not a CA certificate (basicConstraints cA is not true)`)
  }
  if (!x509.checkPrivateKey(nativeKey)) {
    throw new Error(`${labels.key} does not match the certificate in ${labels.cert}`)
  }
  if (x509.validToDate.getTime() <= now.getTime()) {
    throw new Error(`${labels.cert}: CA certificate expired on ${x509.validToDate.toISOString()}`)
  }
  return {
    certPem: derToPem(x509.raw),
    keyPem: keyText,
    cert,
    key: toForgeKey(nativeKey),
    certPath,
    fingerprintSha256: x509.fingerprint256,
  }
}

function parseNativeRsaKey(keyText: string, label: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(keyText)
  } catch (err) {
    throw new Error(
      `${label}: cannot read the private key; an unencrypted PEM key is required (${errorMessage(err)})`,
    )
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`${label}: an RSA private key is required, got ${key.asymmetricKeyType}`)
  }
  return key
}

function toForgeKey(key: KeyObject): forge.pki.rsa.PrivateKey {
  const pkcs1 = key.export({ type: 'pkcs1', format: 'pem' }).toString()
  return forge.pki.privateKeyFromPem(pkcs1) as forge.pki.rsa.PrivateKey
}

/** Creates `target` with `content` only if it does not exist yet; losing a race is not an error. */
async function publishExclusive(target: string, content: string, mode: number): Promise<void> {
  const tmp = `${target}.${process.pid}.${randomSerialHex().slice(0, 8)}.tmp`
  try {
    const fh = await fs.open(tmp, 'wx', mode)
    try {
      await fh.writeFile(content)
      await fh.chmod(mode)
      await fh.sync()
    } finally {
      await fh.close()
    }
    try {
      await fs.link(tmp, target)
    } catch (err) {
      if (errorCode(err) === 'EEXIST') return
      if (!LINK_UNSUPPORTED.has(errorCode(err) ?? '')) throw err
      await writeExclusive(target, content, mode)
    }
  } finally {
    await fs.rm(tmp, { force: true })
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

// Fallback for filesystems without hard links: still exclusive, but not atomic for readers.
async function writeExclusive(target: string, content: string, mode: number): Promise<void> {
  let fh: fs.FileHandle
  try {
    fh = await fs.open(target, 'wx', mode)
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return
    throw err
  }
  try {
    await fh.writeFile(content)
    await fh.chmod(mode)
    await fh.sync()
  } finally {
    await fh.close()
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null
    throw err
  }
}

async function readLabelled(file: string, label: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8')
  } catch (err) {
    throw new Error(`${label}: cannot read file (${errorMessage(err)})`)
  }
}

function errorCode(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string'
    ? err.code
    : undefined
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
