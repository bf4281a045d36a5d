// The tokentap CA certificate: what a new one carries (basicConstraints CA with path length 0,
// keyCertSign + cRLSign only, serverAuth only, name constraints from the intercept list, two
// years) and what an existing one (ours from before, or CA_CERT_FILE) allows.

import type { KeyObject, X509Certificate } from 'node:crypto'
import os from 'node:os'
import forge from 'node-forge'
import {
  decodeNameConstraints,
  encodeNameConstraints,
  NAME_CONSTRAINTS_OID,
  type NameConstraints,
} from './name-constraints.ts'
import { DAY_MS, randomSerialHex, signCertificate } from './x509.ts'

/** Lifetime of a new CA. Two years bound how long a stolen key stays useful without a
 *  revocation list (trust anchors have none), while a team re-distributes its CA rarely. */
export const CA_VALIDITY_YEARS = 2

/** From `now`, when a start-up warning says the CA is about to expire. */
export const CA_EXPIRY_WARNING_DAYS = 30

export function buildCaCertificate(
  key: forge.pki.rsa.PrivateKey,
  nativeKey: KeyObject,
  now: Date,
  constraints: NameConstraints | null,
): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e)
  cert.serialNumber = randomSerialHex()
  cert.validity.notBefore = new Date(now.getTime() - DAY_MS)
  const notAfter = new Date(now.getTime())
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + CA_VALIDITY_YEARS)
  cert.validity.notAfter = notAfter
  const attrs = [
    { name: 'commonName', value: `tokentap CA (${os.hostname()})`.slice(0, 64) },
    { name: 'organizationName', value: 'tokentap' },
  ]
  cert.setSubject(attrs)
  cert.setIssuer(attrs)
  const extensions: object[] = [
    // No intermediate CA below this one, ever.
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    // Clients that read a CA's extended key usage (Go, NSS, Windows, macOS) accept only TLS
    // server certificates under it.
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
  ]
  if (constraints !== null) {
    extensions.push({
      id: NAME_CONSTRAINTS_OID,
      critical: true,
      value: encodeNameConstraints(constraints),
    })
  }
  cert.setExtensions(extensions)
  signCertificate(cert, nativeKey)
  return cert
}

/** What a CA certificate allows, for the start-up log and `tokentap ca`. */
export interface CaProfile {
  /** null: no nameConstraints extension (any name). */
  constraints: NameConstraints | null
  /** basicConstraints pathLenConstraint; null when unlimited. */
  pathLength: number | null
  notBefore: Date
  notAfter: Date
}

/** Reads a CA certificate's profile (any key type). */
export function caProfile(x509: X509Certificate): CaProfile {
  const profile: CaProfile = {
    constraints: null,
    pathLength: null,
    notBefore: x509.validFromDate,
    notAfter: x509.validToDate,
  }
  for (const [oid, value] of extensionsOf(x509.raw.toString('binary'))) {
    if (oid === NAME_CONSTRAINTS_OID) profile.constraints = decodeNameConstraints(value)
    if (oid === BASIC_CONSTRAINTS_OID) profile.pathLength = pathLengthOf(value)
  }
  return profile
}

const BASIC_CONSTRAINTS_OID = '2.5.29.19'

/** [oid, extnValue DER] of each extension of a DER certificate. */
function extensionsOf(der: string): [string, string][] {
  const { asn1 } = forge
  type Node = forge.asn1.Asn1
  const tbs = (asn1.fromDer(der).value as Node[])[0]
  const fields = (tbs?.value ?? []) as Node[]
  const tagged = fields.find((f) => f.tagClass === asn1.Class.CONTEXT_SPECIFIC && f.type === 3)
  const list = ((tagged?.value as Node[] | undefined)?.[0]?.value ?? []) as Node[]
  return list.map((ext) => {
    const parts = ext.value as Node[]
    return [asn1.derToOid(parts[0]!.value as string), parts[parts.length - 1]!.value as string]
  })
}

function pathLengthOf(der: string): number | null {
  const seq = forge.asn1.fromDer(der).value as forge.asn1.Asn1[]
  const n = seq.find((p) => p.type === forge.asn1.Type.INTEGER)
  return n ? forge.asn1.derToInteger(n.value as string) : null
}
