// Small X.509 helpers shared by the CA store and the leaf minter: native RSA key generation,
// random serials and native SHA-256 signing of forge-built certificates (forge's JS RSA is ~40x slower).
import {
  generateKeyPair,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto'
import forge from 'node-forge'

export const DAY_MS = 86_400_000

const SHA256_WITH_RSA_OID = '1.2.840.113549.1.1.11'

// forge exports getTBSCertificate at runtime (cert.sign uses it) but @types/node-forge omits it.
const pkiInternals = forge.pki as unknown as {
  getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1
}

export type RsaKeyPairPem = { privateKeyPem: string; publicKeyPem: string }

const RSA_OPTIONS = {
  modulusLength: 2048,
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
} as const

export function generateRsaKeyPairSync(): RsaKeyPairPem {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', RSA_OPTIONS)
  return { privateKeyPem: privateKey, publicKeyPem: publicKey }
}

export function generateRsaKeyPair(): Promise<RsaKeyPairPem> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', RSA_OPTIONS, (err, publicKey, privateKey) => {
      if (err) reject(err)
      else resolve({ privateKeyPem: privateKey, publicKeyPem: publicKey })
    })
  })
}

/** 16 random bytes as hex, first byte in 0x01..0x7f so the DER INTEGER is positive and minimal. */
export function randomSerialHex(): string {
  const bytes = randomBytes(16)
  bytes[0] = bytes[0]! & 0x7f || 0x01
  return bytes.toString('hex')
}

/**
 * Signs `cert` with sha256WithRSAEncryption using a native key; equivalent to forge's cert.sign.
 * `patchTbs` may edit the TBSCertificate before signing (the leaf swaps in its EC key there).
 */
export function signCertificate(
  cert: forge.pki.Certificate,
  key: KeyObject,
  patchTbs?: (tbs: forge.asn1.Asn1) => void,
): void {
  cert.signatureOid = SHA256_WITH_RSA_OID
  cert.siginfo.algorithmOid = SHA256_WITH_RSA_OID
  cert.tbsCertificate = pkiInternals.getTBSCertificate(cert)
  patchTbs?.(cert.tbsCertificate)
  const tbsDer = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary')
  cert.signature = sign('sha256', tbsDer, key).toString('binary')
}

export function derToPem(der: Uint8Array, type = 'CERTIFICATE'): string {
  const b64 = Buffer.from(der).toString('base64')
  const lines = b64.match(/.{1,64}/g) ?? []
  return `-----BEGIN ${type}-----\n${lines.join('\n')}\n-----END ${type}-----\n`
}

export function certificateToPem(cert: forge.pki.Certificate): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes()
  return derToPem(Buffer.from(der, 'binary'))
}
