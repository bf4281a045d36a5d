import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import forge from 'node-forge'
import { type CaMaterial, loadOrCreateCa } from './ca-store.ts'
import {
  createLeafKey,
  InvalidHostError,
  type LeafKey,
  mintLeafCert,
  normalizeHost,
} from './mint.ts'
import { DAY_MS } from './x509.ts'

type AltName = { type: number; value?: string; ip?: string }

let home: string
let ca: CaMaterial
let caX509: X509Certificate
let leaf: LeafKey
const now = new Date('2026-03-04T05:06:07Z')

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'tokentap-mint-'))
  ca = await loadOrCreateCa({ home })
  caX509 = new X509Certificate(ca.certPem)
  leaf = createLeafKey()
})

afterAll(() => {
  fs.rmSync(home, { recursive: true, force: true })
})

/** forge reads only RSA keys: parse the leaf with the CA's key in place of its EC key, which
 *  leaves every other field (extensions, issuer, signature info) to inspect. */
function forgeView(pem: string): forge.pki.Certificate {
  const asn1 = forge.asn1.fromDer(forge.pem.decode(pem)[0]!.body)
  const tbs = (asn1.value as forge.asn1.Asn1[])[0]!
  ;(tbs.value as forge.asn1.Asn1[])[6] = forge.pki.publicKeyToAsn1(ca.cert.publicKey)
  return forge.pki.certificateFromAsn1(asn1)
}

function mint(host: string) {
  const pem = mintLeafCert(ca, leaf, host, now)
  return { pem, x509: new X509Certificate(pem), cert: forgeView(pem) }
}

function ext<T>(cert: forge.pki.Certificate, name: string): T {
  return cert.getExtension(name) as T
}

describe('mintLeafCert', () => {
  test('DNS host: chains to the CA and carries the expected fields', () => {
    const { pem, x509, cert } = mint('api.anthropic.com')
    expect(pem).toStartWith('-----BEGIN CERTIFICATE-----\n')
    expect(x509.subjectAltName).toBe('DNS:api.anthropic.com')
    expect(x509.subject).toBe('CN=api.anthropic.com')
    expect(x509.issuer).toBe(caX509.subject)
    expect(cert.issuer.hash).toBe(ca.cert.subject.hash)
    expect(x509.verify(caX509.publicKey)).toBe(true)
    expect(x509.checkIssued(caX509)).toBe(true)
    expect(x509.checkHost('api.anthropic.com')).toBe('api.anthropic.com')
    expect(x509.checkHost('evil.anthropic.com')).toBeUndefined()
    expect(x509.checkPrivateKey(createPrivateKey(leaf.keyPem))).toBe(true)
    expect(x509.ca).toBe(false)
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1'])
    expect(cert.siginfo.algorithmOid).toBe('1.2.840.113549.1.1.11')
    expect(x509.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/)

    expect(x509.validFromDate.getTime()).toBe(now.getTime() - DAY_MS)
    expect(x509.validToDate.getTime()).toBe(now.getTime() + 397 * DAY_MS)
    const days = (x509.validToDate.getTime() - x509.validFromDate.getTime()) / DAY_MS
    expect(days).toBeLessThanOrEqual(398)

    expect(ext<{ cA?: boolean }>(cert, 'basicConstraints').cA).toBe(false)
    expect(ext<Record<string, boolean>>(cert, 'keyUsage')).toMatchObject({
      digitalSignature: true,
      keyEncipherment: false,
      keyCertSign: false,
    })
    expect(ext<Record<string, boolean>>(cert, 'extKeyUsage')).toMatchObject({ serverAuth: true })
    const caSki = ext<{ subjectKeyIdentifier: string }>(ca.cert, 'subjectKeyIdentifier')
    const aki = ext<{ value: string }>(cert, 'authorityKeyIdentifier')
    const akiKeyId = forge.asn1.fromDer(aki.value).value as forge.asn1.Asn1[]
    expect(forge.util.bytesToHex(akiKeyId[0]!.value as string)).toBe(caSki.subjectKeyIdentifier)
    const ski = ext<{ subjectKeyIdentifier: string }>(cert, 'subjectKeyIdentifier')
    expect(ski.subjectKeyIdentifier).toBe(leaf.keyIdHex)
    expect(x509.publicKey.asymmetricKeyType).toBe('ec')
  })

  test('every certificate gets a fresh serial', () => {
    expect(mint('a.example').x509.serialNumber).not.toBe(mint('a.example').x509.serialNumber)
  })

  test('a leaf never outlives its CA', () => {
    const late = new Date(caX509.validToDate.getTime() - 10 * DAY_MS)
    const x509 = new X509Certificate(mintLeafCert(ca, leaf, 'api.openai.com', late))
    expect(x509.validToDate.getTime()).toBe(caX509.validToDate.getTime())
  })

  test('IPv4 literal gets an iPAddress SAN and no CN', () => {
    const { x509, cert } = mint('127.0.0.1')
    expect(x509.subjectAltName).toBe('IP Address:127.0.0.1')
    // OpenSSL checks a host-like CN against the CA's DNS name constraints.
    expect(x509.subject).toBe('O=tokentap')
    expect(x509.checkIP('127.0.0.1')).toBe('127.0.0.1')
    const altNames = ext<{ altNames: AltName[] }>(cert, 'subjectAltName').altNames
    expect(altNames).toEqual([expect.objectContaining({ type: 7, ip: '127.0.0.1' })])
  })

  test.each([
    ['::1', '0:0:0:0:0:0:0:1'],
    ['[2001:DB8::1]', '2001:DB8:0:0:0:0:0:1'],
    ['fe80::', 'FE80:0:0:0:0:0:0:0'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['::ffff:192.0.2.1', '0:0:0:0:0:FFFF:C000:201'],
  ])('IPv6 literal %s gets an iPAddress SAN', (host, shown) => {
    const { x509 } = mint(host)
    expect(x509.subjectAltName).toBe(`IP Address:${shown}`)
    expect(x509.checkIP(host.replace(/^\[|\]$/g, ''))).toBeDefined()
  })

  test('host is normalised, never widened', () => {
    const { x509 } = mint('API.Anthropic.COM.')
    expect(x509.subjectAltName).toBe('DNS:api.anthropic.com')
    expect(x509.checkHost('other.anthropic.com')).toBeUndefined()
  })

  test('long host: CN truncated to 64 characters, SAN keeps the full name', () => {
    const host = `${'a'.repeat(63)}.${'b'.repeat(63)}.example.com`
    const { x509 } = mint(host)
    expect(x509.subject).toBe(`CN=${host.slice(0, 64)}`)
    expect(x509.subjectAltName).toBe(`DNS:${host}`)
    expect(x509.checkHost(host)).toBe(host)
  })

  test.each([
    ['*.example.com'],
    ['*'],
    [''],
    ['.'],
    ['a b.example.com'],
    ['a..b'],
    ['.example.com'],
    ['exa/mple.com'],
    ['example.com:443'],
    ['x'.repeat(64)],
    [`${'a.'.repeat(126)}ab`],
    ['1.2.3.999'],
    ['256.0.0.1'],
    ['fe80::1%eth0'],
    ['[127.0.0.1]'],
    ['bücher.example'],
    ['\u212Aelvin.example'],
  ])('invalid host %p throws InvalidHostError', (host) => {
    expect(() => mintLeafCert(ca, leaf, host, now)).toThrow(InvalidHostError)
    expect(() => mintLeafCert(ca, leaf, host, now)).toThrow(/cannot mint a certificate for host/)
  })
})

describe('normalizeHost', () => {
  test('accepts the longest valid name and underscores', () => {
    const longest = `${'a.'.repeat(126)}a`
    expect(longest.length).toBe(253)
    expect(normalizeHost(longest)).toBe(longest)
    expect(normalizeHost('_dmarc.Example.com')).toBe('_dmarc.example.com')
    expect(normalizeHost('[::1]')).toBe('::1')
    expect(normalizeHost('localhost')).toBe('localhost')
  })
})

describe('createLeafKey', () => {
  test('an ECDSA P-256 key whose SubjectPublicKeyInfo and key id match', () => {
    const nodeKey = createPrivateKey(leaf.keyPem)
    expect(nodeKey.asymmetricKeyType).toBe('ec')
    expect(nodeKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1')
    const spki = createPublicKey(nodeKey).export({ type: 'spki', format: 'der' })
    expect(Buffer.from(forge.asn1.toDer(leaf.spki).getBytes(), 'binary').equals(spki)).toBe(true)
    const point = spki.subarray(spki.length - 65)
    expect(leaf.keyIdHex).toBe(createHash('sha1').update(point).digest('hex'))
  })
})
