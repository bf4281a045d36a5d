// The account fingerprint (issue 16): an HMAC-SHA256 of the credential's kind and material
// (credential-kind.ts) under a per-installation key, cut to 80 bits of hex. Non-reversible, and
// keyed, so a database reader cannot confirm a guessed API key by hashing it; identical on
// every proxy replica because the key is:
//   TOKENTAP_ACCOUNT_KEY (≥ 32 characters), when set, else
//   derived from the CA private key (HKDF-SHA256 over its PKCS#8 DER, an info label of its own),
//   which every replica must share anyway. Renewing the CA with a new key (`tokentap ca renew
//   --activate`) therefore gives accounts new fingerprints; set TOKENTAP_ACCOUNT_KEY to keep them.
// The secret never leaves: only the fingerprint reaches records, the database and the screens.

import { createHmac, createPrivateKey, hkdfSync } from 'node:crypto'
import { ConfigError, type Env, readString } from '@tokentap/shared'
import type { Credential } from './credential-kind.ts'

export const ACCOUNT_KEY_VARIABLE = 'TOKENTAP_ACCOUNT_KEY'
const MIN_KEY_LENGTH = 32
/** Hex characters kept (80 bits: collisions are out of reach for any team's accounts). */
const FINGERPRINT_CHARS = 20
const INFO = 'tokentap account fingerprint v1'

/** TOKENTAP_ACCOUNT_KEY's bytes, or undefined when unset; too short → ConfigError. */
export function readAccountKey(env: Env): Uint8Array | undefined {
  const v = readString(env, ACCOUNT_KEY_VARIABLE)
  if (v === undefined) return undefined
  if (v.length < MIN_KEY_LENGTH) {
    throw new ConfigError(
      ACCOUNT_KEY_VARIABLE,
      `must be at least ${MIN_KEY_LENGTH} characters (e.g. openssl rand -hex 32)`,
    )
  }
  return new TextEncoder().encode(v)
}

/** The fingerprint key derived from the CA's private key (PEM, PKCS#1 or PKCS#8). */
export function accountKeyFromCa(caKeyPem: string): Uint8Array {
  const der = createPrivateKey(caKeyPem).export({ type: 'pkcs8', format: 'der' })
  return new Uint8Array(hkdfSync('sha256', der, 'tokentap', INFO, 32))
}

export type Fingerprint = (c: Credential) => string | null

/** The fingerprint function under `key`: null for a request without a credential. */
export function createFingerprint(key: Uint8Array): Fingerprint {
  return (c) => {
    if (c.material === null) return null
    return createHmac('sha256', key)
      .update(`${c.kind}\n${c.material}`)
      .digest('hex')
      .slice(0, FINGERPRINT_CHARS)
  }
}
