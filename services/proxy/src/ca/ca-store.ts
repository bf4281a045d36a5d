// Loads the MITM root CA from CA_CERT_FILE/CA_KEY_FILE, or from ${home}/ca (creating it on first
// start, name-constrained to the intercept list: ca-cert.ts). Creation is lock-free: each file is
// published with an exclusive hard link, key first, so racing processes all end up loading the
// same pair and a crash never leaves a mismatched one. A key other users can read is refused.

import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { errorText } from '@tokentap/shared'
import forge from 'node-forge'
import { BUILTIN_INTERCEPT_HOSTS } from '../providers/table.ts'
import { buildCaCertificate, type CaProfile, caProfile } from './ca-cert.ts'
import {
  exists,
  type KeyVariable,
  publishExclusive,
  readIfExists,
  readLabelled,
  readPrivateKeyFile,
} from './ca-files.ts'
import { constraintsFor } from './subtrees.ts'
import { certificateToPem, derToPem, generateRsaKeyPair } from './x509.ts'

export type CaMaterial = {
  certPem: string
  keyPem: string
  cert: forge.pki.Certificate
  key: forge.pki.rsa.PrivateKey
  certPath: string | null
  keyPath: string | null
  fingerprintSha256: string
  /** Name constraints, path length and validity, as the certificate says. */
  profile: CaProfile
}

export type LoadCaOptions = {
  home: string
  certFile?: string | undefined
  keyFile?: string | undefined
  /**
   * Host patterns (the intercept list) a CA created now is name-constrained to; default: the
   * built-in list. null creates an unconstrained CA: only for test CAs of mock upstreams.
   */
  permit?: readonly string[] | null
  now?: () => Date
}

/** A certificate file and its key file. */
export type CaPair = { cert: string; key: string }

/** The CA files under TOKENTAP_HOME/ca: in use, waiting (`tokentap ca renew`), replaced. */
export function homeCaFiles(home: string): {
  dir: string
  current: CaPair
  next: CaPair
  old: CaPair
} {
  const dir = path.join(home, 'ca')
  const pair = (stem: string): CaPair => ({
    cert: path.join(dir, `${stem}.pem`),
    key: path.join(dir, `${stem}-key.pem`),
  })
  return { dir, current: pair('ca'), next: pair('ca-next'), old: pair('ca-old') }
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
    const keyText = await readPrivateKeyFile(keyFile, labels.key, 'CA_KEY_FILE')
    return parseCaPair(certText, keyText, { cert: certFile, key: keyFile }, labels, now())
  }
  const files = homeCaFiles(opts.home)
  const created = await fs.mkdir(files.dir, { recursive: true, mode: 0o700 })
  if (created !== undefined) await fs.chmod(files.dir, 0o700)
  const permit = opts.permit === undefined ? BUILTIN_INTERCEPT_HOSTS : opts.permit
  return loadOrCreatePair(files.current, permit, now)
}

/**
 * Loads the CA at `pair`, creating it first when neither file exists (its key 0600, constrained
 * to `permit` unless null). Used for TOKENTAP_HOME/ca/ca.pem and for `tokentap ca renew`'s
 * ca-next.pem.
 */
export async function loadOrCreatePair(
  pair: CaPair,
  permit: readonly string[] | null,
  now: () => Date,
  variable: KeyVariable = 'TOKENTAP_HOME',
): Promise<CaMaterial> {
  const labels = { cert: pair.cert, key: pair.key }
  let certText = await readIfExists(pair.cert)
  if (!(await exists(pair.key))) {
    if (certText !== null) {
      throw new Error(
        `${pair.cert} exists but its key ${pair.key} is missing; delete ${pair.cert} to create a ` +
          'new CA (clients will then have to trust the new one)',
      )
    }
    const { privateKeyPem } = await generateRsaKeyPair()
    await publishExclusive(pair.key, privateKeyPem, 0o600)
  }
  const keyText = await readPrivateKeyFile(pair.key, pair.key, variable)
  if (certText === null) {
    const nativeKey = parseNativeRsaKey(keyText, pair.key)
    const constraints = permit === null ? null : constraintsFor(permit)
    const cert = buildCaCertificate(toForgeKey(nativeKey), nativeKey, now(), constraints)
    await publishExclusive(pair.cert, certificateToPem(cert), 0o644)
    certText = await readLabelled(pair.cert, pair.cert)
  }
  return parseCaPair(certText, keyText, pair, labels, now())
}

/** Loads an existing CA pair; never creates one. */
export async function loadCaPair(
  pair: CaPair,
  now: () => Date,
  variable: KeyVariable = 'TOKENTAP_HOME',
): Promise<CaMaterial> {
  const certText = await readLabelled(pair.cert, pair.cert)
  const keyText = await readPrivateKeyFile(pair.key, pair.key, variable)
  return parseCaPair(certText, keyText, pair, { cert: pair.cert, key: pair.key }, now())
}

function parseCaPair(
  certText: string,
  keyText: string,
  pair: CaPair,
  labels: Labels,
  now: Date,
): CaMaterial {
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(certText)
  } catch (err) {
    throw new Error(`${labels.cert}: not a PEM certificate (${errorText(err)})`)
  }
  let cert: forge.pki.Certificate
  try {
    cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(x509.raw.toString('binary')))
  } catch (err) {
    throw new Error(
      `${labels.cert}: unsupported certificate, an RSA CA is required (${errorText(err)})`,
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
    throw new Error(
      `${labels.cert}: CA certificate expired on ${x509.validToDate.toISOString()}; ` +
        '`tokentap ca renew` issues a new one',
    )
  }
  let profile: CaProfile
  try {
    profile = caProfile(x509)
  } catch (err) {
    throw new Error(`${labels.cert}: unreadable extension (${errorText(err)})`)
  }
  return {
    certPem: derToPem(x509.raw),
    keyPem: keyText,
    cert,
    key: toForgeKey(nativeKey),
    certPath: pair.cert,
    keyPath: pair.key,
    fingerprintSha256: x509.fingerprint256,
    profile,
  }
}

function parseNativeRsaKey(keyText: string, label: string): KeyObject {
  let key: KeyObject
  try {
    key = createPrivateKey(keyText)
  } catch (err) {
    throw new Error(
      `${label}: cannot read the private key; an unencrypted PEM key is required (${errorText(err)})`,
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
