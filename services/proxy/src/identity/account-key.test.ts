import { describe, expect, test } from 'bun:test'
import { generateKeyPairSync } from 'node:crypto'
import { ConfigError } from '@tokentap/shared'
import forge from 'node-forge'
import { accountKeyFromCa, createFingerprint, readAccountKey } from './account-key.ts'
import type { Credential } from './credential-kind.ts'

const KEY = new TextEncoder().encode('k'.repeat(32))
const apiKey: Credential = {
  kind: 'anthropic-api-key',
  billingKind: 'api_key',
  material: 'sk-ant-api03-secret',
}

describe('account fingerprint', () => {
  test('keyed, stable, short hex, and never the secret', () => {
    const fp = createFingerprint(KEY)
    const a = fp(apiKey)
    expect(a).toMatch(/^[0-9a-f]{20}$/)
    expect(fp({ ...apiKey })).toBe(a)
    expect(a).not.toContain('secret')
    // another key, another fingerprint: a reader of the database cannot recompute it
    expect(createFingerprint(new TextEncoder().encode('j'.repeat(32)))(apiKey)).not.toBe(a)
    // the kind is part of it; no credential → no account
    expect(fp({ ...apiKey, kind: 'bearer' })).not.toBe(a)
    expect(fp({ kind: 'none', billingKind: 'unknown', material: null })).toBeNull()
  })

  test('the key from the CA is the same for the same CA key in PKCS#1 or PKCS#8', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
    const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
    const pkcs1 = forge.pki.privateKeyToPem(forge.pki.privateKeyFromPem(pkcs8))
    expect(pkcs1).toContain('BEGIN RSA PRIVATE KEY')
    const k8 = accountKeyFromCa(pkcs8)
    expect(k8).toHaveLength(32)
    expect(accountKeyFromCa(pkcs1)).toEqual(k8)
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
    expect(accountKeyFromCa(other.export({ type: 'pkcs8', format: 'pem' }).toString())).not.toEqual(
      k8,
    )
  })

  test('TOKENTAP_ACCOUNT_KEY: unset, too short (names the variable), or used as given', () => {
    expect(readAccountKey({})).toBeUndefined()
    expect(() => readAccountKey({ TOKENTAP_ACCOUNT_KEY: 'short' })).toThrow(ConfigError)
    expect(() => readAccountKey({ TOKENTAP_ACCOUNT_KEY: 'short' })).toThrow(/TOKENTAP_ACCOUNT_KEY/)
    expect(readAccountKey({ TOKENTAP_ACCOUNT_KEY: 'x'.repeat(40) })).toEqual(
      new TextEncoder().encode('x'.repeat(40)),
    )
  })
})
